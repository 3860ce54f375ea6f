// Remedies as spec variants: each gives a valid spec with the change, and trying one makes its
// symptom go away on a spec broken that way.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyFix, changesSpec, FIX_TITLES } from '../../../shared/diagnosis/fixes.ts';
import { validateSpec, type RunSpec } from '../../../shared/spec.ts';
import type { FixId } from '../../../shared/diagnosis/finding.ts';
import { tryFix } from '../../../main/engine/diagnosis/trial.ts';
import { spec } from '../../helpers.ts';
import { layerName } from '../../../shared/layers.ts';

const DIR = join(__dirname, '../../fixtures/diagnosis');
const load = (name: string): RunSpec => {
  const v = validateSpec(JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')));
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  return v.spec;
};

const base = spec({
  data: { train: { type: 'synthetic', name: 'blobs', classes: 3 } },
  model: { layers: [{ type: 'dense', units: 16, activation: 'relu', kernelInitializer: 'glorot_uniform' }, { type: 'dense', units: 8, activation: 'tanh', kernelInitializer: 'he_normal' }, { type: 'dense', units: 3, activation: 'linear' }] },
  training: { optimizer: { type: 'sgd', learningRate: 0.1 } },
});

describe('applyFix', () => {
  it.each(Object.keys(FIX_TITLES) as FixId[])('%s gives a valid spec', (fix) => {
    const v = applyFix(base, fix);
    expect(validateSpec(v).ok).toBe(true);
    expect(v.name).toBe(`${base.name}-${fix.replace(/_/g, '-')}`);
    expect(base.model.layers).toHaveLength(3); // the original is untouched
  });

  it('makes the change the remedy names', () => {
    const layers = (f: FixId) => applyFix(base, f).model.layers as { type: string; activation?: string; kernelInitializer?: unknown; units?: number }[];
    expect(layers('he_init')[0].kernelInitializer).toBe('he_normal');
    expect(layers('glorot_init')[1].kernelInitializer).toBe('glorot_normal');
    expect(layers('batchnorm').map((l) => l.type)).toEqual(['dense', 'batchnorm', 'dense', 'batchnorm', 'dense']);
    expect(layers('dropout').map((l) => l.type)).toEqual(['dense', 'dropout', 'dense', 'dropout', 'dense']);
    expect(layers('softmax_output')[2].activation).toBe('softmax');
    expect(layers('more_capacity').map((l) => l.units)).toEqual([32, 32, 3]);
    expect(applyFix(base, 'lower_lr').training.optimizer.learningRate).toBeCloseTo(0.01, 10);
    expect(applyFix(base, 'clip_norm').training.clip.globalNorm).toBe(1);
    expect(applyFix(base, 'early_stopping').training.earlyStopping?.restoreBestWeights).toBe(true);
    expect(applyFix(base, 'standardize_inputs').data.normalize).toBe('standardize');
    // narrowed to a finding's layers
    expect((applyFix(base, 'he_init', { layers: ['dense_2'] }).model.layers[0] as { kernelInitializer: string }).kernelInitializer).toBe('glorot_uniform');
  });
});

describe('a remedy is offered only if it changes the spec', () => {
  const tanh = spec({
    data: { train: { type: 'synthetic', name: 'blobs', classes: 3 }, normalize: 'standardize' },
    model: { layers: [{ type: 'dense', units: 8, activation: 'tanh', kernelInitializer: 'glorot_uniform' }, { type: 'dense', units: 3, activation: 'softmax' }] },
    training: { optimizer: { type: 'adam' } },
  });
  it('no Adam for an Adam run, no standardising for standardised inputs, He only for ReLU-family layers, LeCun only for SELU', () => {
    expect(changesSpec(tanh, 'adam')).toBe(false);
    expect(changesSpec(tanh, 'standardize_inputs')).toBe(false);
    expect(changesSpec(tanh, 'he_init')).toBe(false);
    expect(changesSpec(tanh, 'lecun_init')).toBe(false);
    expect(changesSpec(tanh, 'glorot_init')).toBe(false); // already Glorot
    expect(changesSpec(tanh, 'raise_lr')).toBe(true);
    expect(changesSpec(base, 'adam')).toBe(true);
    expect(changesSpec(base, 'he_init')).toBe(true); // dense_1 is ReLU with Glorot
    expect(changesSpec(base, 'he_init', { layers: ['dense_2'] })).toBe(false); // dense_2 is tanh
  });

  it('a rate change reaches the rate the run uses: a piecewise schedule\'s values scale too; a constant rate replaces a schedule', () => {
    const sched = spec({ ...base, training: { optimizer: { type: 'sgd', learningRate: 0.05 }, schedule: { type: 'piecewise', boundaries: [1], values: [0.05, 20] } } });
    const lower = applyFix(sched, 'lower_lr').training.schedule as { values: number[] };
    expect(lower.values[0]).toBeCloseTo(0.005, 10);
    expect(lower.values[1]).toBeCloseTo(2, 10);
    expect(applyFix(sched, 'constant_schedule').training.schedule).toEqual({ type: 'constant' });
    expect(changesSpec(base, 'constant_schedule')).toBe(false);
    expect(changesSpec(spec({ ...base, training: { optimizer: { type: 'nadam' } } }), 'adam')).toBe(false); // adaptive already
  });

  it('layer fixes stay on the layers the finding lists', () => {
    const l = applyFix(base, 'leaky_relu', { layers: ['dense_2'] }).model.layers as { activation?: string }[];
    expect(l.map((x) => x.activation)).toEqual(['relu', 'leaky_relu', 'linear']);
    expect(applyFix(base, 'batchnorm', { layers: ['dense_1'] }).model.layers.map((x) => x.type)).toEqual(['dense', 'batchnorm', 'dense', 'dense']);
  });

  it('zero bias and weaker regularisation undo what they name, and nothing else', () => {
    const biased = spec({ ...base, model: { layers: [{ type: 'dense', units: 8, activation: 'relu', biasInitializer: { type: 'constant', value: -3 } }, { type: 'dropout', rate: 0.9 }, { type: 'dense', units: 3, activation: 'softmax', kernelRegularizer: { l2: 1 } }] } });
    const z = applyFix(biased, 'zero_bias');
    expect((z.model.layers[0] as { biasInitializer: unknown }).biasInitializer).toBe('zeros');
    const r = applyFix(biased, 'less_regularization').model.layers as { rate?: number; kernelRegularizer?: { l2: number } }[];
    expect(r[1].rate).toBe(0.2);
    expect(r[2].kernelRegularizer!.l2).toBe(1e-4);
    expect(changesSpec(base, 'less_regularization')).toBe(false);
    expect(changesSpec(base, 'zero_bias')).toBe(false);
  });
});

describe('trying a fix', () => {
  it.each([
    ['lr-too-high', 'lr_too_high', 'lower_lr'],
    ['saturated-tanh', 'saturated_units', 'glorot_init'],
    ['init-he-for-tanh', 'init_mismatched_initializer', 'glorot_init'],
    ['inputs-not-scaled', 'inputs_not_scaled', 'standardize_inputs'],
  ] as const)('%s: %s goes away with %s', async (name, kind, fix) => {
    const r = await tryFix(load(name), DIR, kind, fix, { epochs: 1 });
    expect(r.before).toBe(true);
    expect(r.after).toBe(false);
    expect(r.causeAfter).not.toBe(r.causeBefore);
  });

  it('judges the same metric on the same layers: Glorot for saturated tanh layers brings each one under the threshold', async () => {
    const r = await tryFix(load('hidden-big-init-deep-tanh'), DIR, 'saturated_units', 'glorot_init', { epochs: 1 });
    expect(r.metric).toBe('saturated_fraction');
    expect(r.layers.length).toBeGreaterThanOrEqual(2); // every affected layer, not the first
    for (const l of r.layers) {
      expect(l.before!).toBeGreaterThan(0.5);
      expect(l.after!).toBeLessThan(0.5);
    }
    // the remedy went to every affected layer of the group
    const byName = new Map(r.variant.model.layers.map((l, i) => [layerName(l, i), l as { kernelInitializer?: unknown }]));
    for (const l of r.layers) expect(byName.get(l.layer)?.kernelInitializer).toBe('glorot_normal');
    expect(r.causeBefore).toBe('bad_init_scale');
    // dense_1 (not saturated, so not in the group) keeps its N(0, 1) weights: the initialiser's name
    // alone still points at the initialisation, but nothing measured at step 0 does any more
    expect(r.confidenceAfter ?? 0).toBeLessThan(r.confidenceBefore!);
  });
});
