// The fold arithmetic against hand-computed numbers, where BN can and cannot be folded (and why),
// and the check on a hand-built model with non-trivial statistics: a BN without gamma and beta,
// epsilon from the layer when no spec is given (as a benchmark calls it).
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { foldBatchNorm, foldCheck, foldPlan } from '../../../../main/engine/instruments/batchnorm/fold.ts';
import { FOLD_TOLERANCE, foldPasses } from '../../../../shared/instruments/batchnorm/definition.ts';
import { Trainer } from '../../../../main/engine/train/trainer.ts';
import type { LayerInfo } from '../../../../shared/layers.ts';
import { spec } from '../../../helpers.ts';
import type { LayerSpec } from '../../../../shared/spec.ts';

await tf.setBackend('cpu');

async function built(layers: LayerSpec[] | Record<string, unknown>[]) {
  const s = spec({ seed: 1, data: { train: { type: 'synthetic', name: 'blobs', samples: 60, classes: 3, features: 4 } }, model: { layers: layers as LayerSpec[] } });
  const t = new Trainer({ spec: s, baseDir: '.', backend: 'cpu' });
  await t.prepare();
  return { s, ...t.built };
}

describe('fold arithmetic', () => {
  it('W\' = W gamma / sqrt(var + eps) per output channel, b\' = (b - mean) gamma / sqrt(var + eps) + beta', () => {
    // dense kernel [in = 2, C = 2], row-major: W[i][c]
    const f = foldBatchNorm({
      kernel: Float32Array.from([1, 2, 3, 4]), kernelShape: [2, 2], bias: Float32Array.from([0.5, -1]),
      gamma: Float32Array.from([2, 0.5]), beta: Float32Array.from([0.25, 1]), mean: Float32Array.from([1, -1]), variance: Float32Array.from([3, 0.75]), epsilon: 1,
    });
    // scale = gamma / sqrt(var + eps) = [2 / 2, 0.5 / sqrt(1.75)]
    const s1 = 0.5 / Math.sqrt(1.75);
    expect(Array.from(f.kernel)).toEqual([1, 2 * s1, 3, 4 * s1]);
    expect(Array.from(f.bias)).toEqual([(0.5 - 1) * 1 + 0.25, (-1 + 1) * s1 + 1]);
    // no bias, no gamma, no beta: b = 0, gamma = 1, beta = 0
    const g = foldBatchNorm({ kernel: Float32Array.from([2]), kernelShape: [1, 1], bias: null, gamma: null, beta: null, mean: Float32Array.from([4]), variance: Float32Array.from([3]), epsilon: 1 });
    expect([g.kernel[0], g.bias[0]]).toEqual([1, -2]);
  });
});

describe('fold plan', () => {
  it('folds BN right after a linear dense or conv2d layer; says why not otherwise', async () => {
    const { model, layers } = await built([
      { type: 'batchnorm', name: 'bn_in' },
      { type: 'dense', units: 6, name: 'lin' }, { type: 'batchnorm', name: 'bn_lin' },
      { type: 'dense', units: 6, activation: 'relu', name: 'relu' }, { type: 'batchnorm', name: 'bn_relu' },
      { type: 'dense', units: 6, activation: 'leaky_relu', name: 'leaky' }, { type: 'batchnorm', name: 'bn_leaky' },
      { type: 'dropout', rate: 0.1, name: 'drop' }, { type: 'batchnorm', name: 'bn_drop' },
      { type: 'dense', units: 3, activation: 'softmax' },
    ]);
    const plan = foldPlan(model, layers);
    expect(plan.map((p) => [p.layer, p.into, p.foldable])).toEqual([
      ['bn_in', null, false], ['bn_lin', 'lin', true], ['bn_relu', 'relu', false], ['bn_leaky', 'leaky_leaky_relu', false], ['bn_drop', 'drop', false],
    ]);
    expect(plan[0].reason).toMatch(/model's input/);
    expect(plan[2].reason).toMatch(/relu applies relu before BN/);
    expect(plan[3].reason).toMatch(/leaky_leaky_relu before it is an activation/);
    expect(plan[4].reason).toMatch(/Dropout layer, not a dense or conv2d layer/);
  });
});

describe('fold check on a hand-built model', () => {
  it('a BN without gamma and beta, with moving statistics far from 0 and 1, folds within 1e-5; epsilon from the layer when no spec is given', async () => {
    const input = tf.input({ shape: [5] });
    const dense = tf.layers.dense({ units: 4, name: 'd', kernelInitializer: 'glorotNormal', biasInitializer: 'ones' });
    const bn = tf.layers.batchNormalization({ name: 'b', center: false, scale: false, epsilon: 0.05 });
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, name: 'out' }).apply(bn.apply(dense.apply(input))) as tf.SymbolicTensor });
    bn.setWeights([tf.tensor1d([3, -2, 0.5, 10]), tf.tensor1d([0.01, 4, 1, 100])]);
    const info = (name: string, className: string): LayerInfo => ({ name, className, outputShape: [null, 4], params: 0, activation: 'linear', unitKind: 'linear', kernelInitializer: null, units: 4, unitIndex: [0, 1, 2, 3], variables: [], trainable: true });
    const layers = [info('d', 'Dense'), info('b', 'BatchNormalization'), info('out', 'Dense')];
    const probe = tf.randomNormal([32, 5], 0, 3, 'float32', 7);
    const before = tf.memory().numTensors;
    const [r] = await foldCheck(model, layers, probe);
    const wrongEps = await foldCheck(model, layers, probe, (w) => foldBatchNorm({ ...w, epsilon: 1e-3 }));
    expect(tf.memory().numTensors).toBe(before);
    probe.dispose();
    expect(r).toMatchObject({ layer: 'b', into: 'd', foldable: true });
    expect(r.maxAbsErr).toBeLessThanOrEqual(FOLD_TOLERANCE);
    expect(r.maxAbsOut).toBeGreaterThan(1);
    expect(wrongEps[0].maxAbsErr).toBeGreaterThan(0.1); // the channel with variance 0.01 depends on epsilon
  });

  it('passes by float32 rounding relative to the outputs\' scale, absolute below 1', () => {
    expect(foldPasses({ maxAbsErr: 5e-7, maxAbsOut: 1.5 })).toBe(true);
    expect(foldPasses({ maxAbsErr: 5e-6, maxAbsOut: 0.01 })).toBe(true);
    expect(foldPasses({ maxAbsErr: 2e-5, maxAbsOut: 0.5 })).toBe(false);
    expect(foldPasses({ maxAbsErr: 1e-3, maxAbsOut: 1e4 })).toBe(true); // 1e-7 of outputs around 1e4: rounding
    expect(foldPasses({ maxAbsErr: 1, maxAbsOut: 1e4 })).toBe(false);
    expect(foldPasses({ maxAbsErr: NaN, maxAbsOut: 1 })).toBe(false);
  });
});
