// The comparison presets: each variant is a valid run spec that differs from the base in the one
// thing compared, and the output layer is never touched.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateSpec, type RunSpec } from '../../../shared/spec.ts';
import { comparisonPresets, hiddenWeighted, recommendedInitializer, withBatchNorm } from '../../../shared/sweep/presets.ts';

const load = (name: string): RunSpec => {
  const v = validateSpec(JSON.parse(readFileSync(join(__dirname, '../../../assets/specs', name), 'utf8')));
  if (!v.ok) throw new Error(name);
  return v.spec;
};

/** The base with one parameter set, validated. */
function variant(base: RunSpec, path: string, value: unknown): RunSpec {
  const copy = structuredClone(base) as unknown as Record<string, Record<string, unknown>>;
  const [section, ...rest] = path.split('.');
  if (rest.length === 1) copy[section][rest[0]] = value;
  else (copy[section][rest[0]] as Record<string, unknown>)[rest[1]] = value;
  const v = validateSpec(copy);
  if (!v.ok) throw new Error(`${path}: ${v.issues[0].path}: ${v.issues[0].message}`);
  return v.spec;
}

describe('comparison presets', () => {
  const base = load('digits-mlp.json');
  const presets = comparisonPresets(base, 100);

  it('are the five comparisons of the course, each a grid over one field', () => {
    expect(presets.map((p) => p.id)).toEqual(['optimizers', 'initializers', 'activations', 'batchnorm', 'schedules']);
    for (const p of presets) {
      expect(p.sweep.method).toBe('grid');
      expect(Object.keys(p.sweep.parameters as object)).toHaveLength(1);
      expect(p.sweep.base).toBe(base);
    }
  });

  it('the optimiser comparison has all eight, each valid with its own default rate', () => {
    const p = presets.find((x) => x.id === 'optimizers')!;
    const values = (p.sweep.parameters as Record<string, { values: { type: string }[] }>)['training.optimizer'].values;
    expect(values.map((v) => v.type)).toEqual(['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'nadam', 'adamax']);
    const rates = values.map((v) => variant(base, 'training.optimizer', v).training.optimizer.learningRate);
    expect(rates[0]).toBe(0.01); // SGD's default, not Adam's
    expect(rates[5]).toBe(0.001);
  });

  it('layer variants change the hidden layers only, and each is a valid spec', () => {
    const out = base.model.layers.at(-1)!;
    for (const id of ['initializers', 'activations', 'batchnorm'] as const) {
      const p = presets.find((x) => x.id === id)!;
      const param = (p.sweep.parameters as Record<string, { values: unknown[]; labels: string[] }>)['model.layers'];
      expect(param.labels).toHaveLength(param.values.length);
      for (const layers of param.values) {
        const s = variant(base, 'model.layers', layers);
        expect(s.model.layers.at(-1)).toEqual(out);
      }
    }
    const acts = (presets.find((x) => x.id === 'activations')!.sweep.parameters as Record<string, { values: RunSpec['model']['layers'][] }>)['model.layers'].values;
    const selu = acts[5].filter((l) => l.type === 'dense').slice(0, -1);
    expect(selu.every((l) => l.type === 'dense' && l.activation === 'selu' && l.kernelInitializer === 'lecun_normal')).toBe(true);
  });

  it('batch normalisation goes after each hidden weighted layer, before its activation, which loses its bias', () => {
    const layers = withBatchNorm([
      { type: 'dense', units: 4, activation: 'relu' }, { type: 'dense', units: 3, activation: 'softmax' },
    ] as RunSpec['model']['layers']);
    expect(layers.map((l) => l.type)).toEqual(['dense', 'batchnorm', 'activation', 'dense']);
    expect(layers[0]).toMatchObject({ activation: 'linear', useBias: false });
    expect(layers[2]).toMatchObject({ activation: 'relu' });
    expect(layers[3]).toMatchObject({ activation: 'softmax' });
  });

  it('each schedule is a valid spec, and the initialiser recommendation follows the activation', () => {
    const p = presets.find((x) => x.id === 'schedules')!;
    const values = (p.sweep.parameters as Record<string, { values: { type: string }[] }>)['training.schedule'].values;
    expect(values.map((v) => v.type)).toEqual(['constant', 'exponential', 'power', 'piecewise', 'reduce_on_plateau']);
    for (const v of values) variant(base, 'training.schedule', v);
    for (const epochs of [1, 2, 3, 4, 10]) {
      const s = { ...base, training: { ...base.training, epochs } };
      const pw = (comparisonPresets(s, 50).find((x) => x.id === 'schedules')!.sweep.parameters as Record<string, { values: object[] }>)['training.schedule'].values[3];
      variant(s, 'training.schedule', pw);
    }
    expect(recommendedInitializer('relu')).toBe('he_normal');
    expect(recommendedInitializer('tanh')).toBe('glorot_uniform');
    expect(recommendedInitializer('selu')).toBe('lecun_normal');
    expect(hiddenWeighted(base.model.layers).length).toBeGreaterThan(0);
  });
});
