// Remedies as spec variants: each gives a valid spec with the change, and trying one makes its
// symptom go away on a spec broken that way.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyFix, FIX_TITLES } from '../../../shared/diagnosis/fixes.ts';
import { validateSpec, type RunSpec } from '../../../shared/spec.ts';
import type { FixId } from '../../../shared/diagnosis/finding.ts';
import { tryFix } from '../../../main/engine/diagnosis/trial.ts';
import { spec } from '../../helpers.ts';

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
  });
});
