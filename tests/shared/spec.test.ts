import { describe, expect, it } from 'vitest';
import { specJsonSchema, validateSpec } from '../../shared/spec.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const minimal = {
  data: { train: { type: 'synthetic', name: 'moons' } },
  model: { layers: [{ type: 'dense', units: 2, activation: 'softmax' }] },
};

describe('run spec validation', () => {
  it('fills in documented defaults', () => {
    const r = validateSpec(minimal);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.spec.training.optimizer).toEqual({ type: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(r.spec.training.epochs).toBe(10);
    expect(r.spec.instruments.every).toBe(20);
    expect(r.spec.data.validation).toBe(0.1);
    expect(r.spec.model.layers[0]).toMatchObject({ kernelInitializer: 'glorot_uniform', biasInitializer: 'zeros' });
  });

  it('names the field path and the problem', () => {
    const r = validateSpec({ ...minimal, model: { layers: [{ type: 'dense', units: 0 }] }, training: { optimizer: { type: 'adam', lr: 0.1 } } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const byPath = Object.fromEntries(r.issues.map((i) => [i.path, i.message]));
    expect(byPath['model.layers[0].units']).toMatch(/>0/);
    expect(byPath['training.optimizer']).toMatch(/Unrecognized key: "lr"/);
  });

  it('rejects unknown layer types, activations and initialisers', () => {
    const r = validateSpec({ ...minimal, model: { layers: [{ type: 'dense', units: 3, activation: 'swishy', kernelInitializer: 'xavier' }, { type: 'lstm' }] } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const paths = r.issues.map((i) => i.path);
    expect(paths).toContain('model.layers[0].activation');
    expect(paths).toContain('model.layers[0].kernelInitializer');
    expect(paths).toContain('model.layers[1].type');
  });

  it('checks rules that span fields', () => {
    const r = validateSpec({ ...minimal, training: { schedule: { type: 'piecewise', boundaries: [5, 3], values: [0.1, 0.01] } } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toEqual(expect.arrayContaining([
      { path: 'training.schedule.values', message: 'needs 3 values for 2 boundaries, got 2' },
      { path: 'training.schedule.boundaries[1]', message: 'boundaries must increase' },
    ]));
    const dup = validateSpec({ ...minimal, model: { layers: [{ type: 'dense', units: 4, name: 'a' }, { type: 'dense', units: 2, name: 'a' }] } });
    expect(dup.ok ? [] : dup.issues.map((i) => i.path)).toEqual(['model.layers[1].name']);
    // an explicit name that collides with another layer's default name
    const clash = validateSpec({ ...minimal, model: { layers: [{ type: 'dense', units: 4, name: 'dense_2' }, { type: 'dense', units: 2 }] } });
    expect(clash.ok ? [] : clash.issues).toEqual([{ path: 'model.layers[1]', message: 'this layer\'s default name "dense_2" is already the name of model.layers[0]: give one of them another name' }]);
  });

  it('refuses a monitor the run does not produce: a typo never silently does nothing', () => {
    const r = validateSpec({ ...minimal, training: { earlyStopping: { monitor: 'val_los' }, checkpoint: { monitor: 'val_acc' }, schedule: { type: 'reduce_on_plateau', monitor: 'loss' } } });
    expect(r.ok ? [] : r.issues).toEqual([
      { path: 'training.earlyStopping.monitor', message: '"val_los" is not a value this run produces (loss, accuracy, val_loss, val_accuracy)' },
      { path: 'training.checkpoint.monitor', message: '"val_acc" is not a value this run produces (loss, accuracy, val_loss, val_accuracy)' },
    ]);
    const noVal = validateSpec({ ...minimal, data: { ...minimal.data, validation: 0 }, training: { earlyStopping: { monitor: 'val_loss' } } });
    expect(noVal.ok ? [] : noVal.issues).toEqual([{ path: 'training.earlyStopping.monitor', message: '"val_loss" needs a validation split (data.validation is 0)' }]);
    expect(validateSpec({ ...minimal, training: { earlyStopping: { monitor: 'val_accuracy' }, checkpoint: { monitor: 'loss' } } }).ok).toBe(true);
  });

  it('prints a JSON Schema that describes every top-level section', () => {
    const s = specJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining(['data', 'model', 'training', 'instruments', 'seed']));
    expect(s.required).toEqual(expect.arrayContaining(['data', 'model']));
  });

  it('accepts every example spec in assets/specs', () => {
    const dir = join(__dirname, '../../assets/specs');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files).toEqual(expect.arrayContaining(['digits-mlp.json', 'fashion-mnist-mlp.json', 'fashion-mnist-cnn.json', 'spirals-deep-tanh.json']));
    for (const f of files) {
      const r = validateSpec(JSON.parse(readFileSync(join(dir, f), 'utf8')));
      expect(r.ok ? 'ok' : `${f}: ${JSON.stringify(r.issues)}`).toBe('ok');
    }
  });
});

describe('README spec reference', () => {
  it('is generated from the current schema (npm run docs)', async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/spec-reference.ts', '--check'], { cwd: join(__dirname, '../..'), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
