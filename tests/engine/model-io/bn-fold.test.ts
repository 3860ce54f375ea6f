// BN folding on the neutral form: random MLPs and CNNs (BN after a linear dense/conv, after a
// ReLU before a dense, before a flatten after a conv, after a layer without bias, before a pool),
// whose folded models must give the original's outputs within 1e-5, with fewer layers, and say
// why each BN they keep could not be folded.
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { validateSpec, type LayerSpec, type RunSpecInput } from '../../../shared/spec.ts';
import { layerName } from '../../../shared/layers.ts';
import { mulberry32 } from '../../../shared/random.ts';
import { buildModel } from '../../../main/engine/model/build.ts';
import { foldBatchNorm, foldedOutputDifference } from '../../../main/engine/model-io/bn-fold.ts';
import type { NeutralModel, WeightArray } from '../../../main/engine/model-io/types.ts';
import type { DataInfo } from '../../../shared/events.ts';

const TOLERANCE = 1e-5;

/** A neutral model of these layers with random weights: kernels of unit-ish gain, BN statistics far from identity. */
function randomModel(inputShape: number[], layers: RunSpecInput['model']['layers'], seed: number): NeutralModel {
  const r = validateSpec({ data: { train: { type: 'synthetic', name: 'blobs' } }, model: { layers } });
  if (!r.ok) throw new Error(r.issues[0].message);
  const named = r.spec.model.layers.map((l, i) => ({ ...l, name: layerName(l, i) }) as LayerSpec);
  const last = [...named].reverse().find((l) => l.type === 'dense') as Extract<LayerSpec, { type: 'dense' }>;
  const { model } = buildModel(r.spec, { inputShape, classes: last.units } as DataInfo);
  const rand = mulberry32(seed), u = (lo: number, hi: number) => lo + (hi - lo) * rand();
  const weights: NeutralModel['weights'] = {};
  for (const l of named) {
    const tl = model.getLayer(l.name!);
    if (!tl.weights.length) continue;
    weights[l.name!] = tl.weights.map((v): WeightArray => {
      const name = v.originalName.split('/').pop()!, shape = v.shape as number[];
      const n = shape.reduce((a, b) => a * b, 1), fanIn = n / shape[shape.length - 1];
      const gen: Record<string, () => number> = {
        kernel: () => u(-1, 1) * Math.sqrt(3 / fanIn), bias: () => u(-0.2, 0.2),
        gamma: () => u(0.5, 1.5), beta: () => u(-0.5, 0.5), moving_mean: () => u(-0.5, 0.5), moving_variance: () => u(0.3, 2),
      };
      return { name, shape, values: Float32Array.from({ length: n }, gen[name]) };
    });
  }
  model.dispose();
  return { inputShape, layers: named, weights };
}

const inputsFor = (shape: number[], seed: number) => tf.randomNormal([64, ...shape], 0, 1, 'float32', seed);
afterAll(() => tf.disposeVariables());

describe('foldBatchNorm', () => {
  it('the arithmetic, on one unit: W\' = W s, b\' = (b - mean) s + beta', () => {
    const m: NeutralModel = {
      inputShape: [1],
      layers: [{ type: 'dense', units: 1, name: 'd', activation: 'linear' } as LayerSpec, { type: 'batchnorm', name: 'bn', momentum: 0.99, epsilon: 1 } as LayerSpec],
      weights: {
        d: [{ name: 'kernel', shape: [1, 1], values: Float32Array.of(2) }, { name: 'bias', shape: [1], values: Float32Array.of(1) }],
        bn: [['gamma', 3], ['beta', 0.5], ['moving_mean', 1], ['moving_variance', 3]].map(([name, v]) => ({ name: name as string, shape: [1], values: Float32Array.of(v as number) })),
      },
    };
    const f = foldBatchNorm(m);
    expect(f.folded).toEqual(['bn']);
    expect(f.model.layers.map((l) => l.name)).toEqual(['d']);
    // s = 3 / sqrt(3 + 1) = 1.5
    expect(Array.from(f.model.weights!.d[0].values)).toEqual([3]);
    expect(Array.from(f.model.weights!.d[1].values)).toEqual([0.5]);
    expect(m.layers).toHaveLength(2); // the input model is untouched
  });

  it('MLP: BN after a linear dense without bias (+ relu), BN after relu before a dense (through dropout), BN before a noisy dense', async () => {
    const m = randomModel([12], [
      { type: 'dense', units: 16, useBias: false, maxNorm: 2 },
      { type: 'batchnorm', epsilon: 1e-3 },
      { type: 'activation', activation: 'relu' },
      { type: 'dense', units: 16, activation: 'relu' },
      { type: 'batchnorm', epsilon: 1e-2 },
      { type: 'dropout', rate: 0.5 },
      { type: 'dense', units: 8, activation: 'tanh' },
      { type: 'batchnorm' },
      { type: 'gaussian_noise', stddev: 0.3 },
      { type: 'dense', units: 4, useBias: false }, // a linear output: errors are not squashed by a softmax
    ], 1);
    const f = foldBatchNorm(m);
    expect(f.folded).toEqual(['batchnorm_2', 'batchnorm_5', 'batchnorm_8']);
    expect(f.kept).toEqual([]);
    expect(f.removed.map((r) => r.layer)).toEqual(['dropout_6', 'gaussian_noise_9', 'activation_3']);
    expect(f.removed[0].why).toMatch(/identity at inference/);
    expect(f.model.layers.map((l) => [l.name, l.type === 'dense' && l.activation, l.type === 'dense' && l.useBias])).toEqual([
      ['dense_1', 'relu', true], ['dense_4', 'relu', true], ['dense_7', 'tanh', true], ['dense_10', 'linear', true],
    ]);
    expect((f.model.layers[0] as { maxNorm?: number }).maxNorm).toBeUndefined();
    expect(Object.keys(f.model.weights!).sort()).toEqual(['dense_1', 'dense_10', 'dense_4', 'dense_7']);
    const x = inputsFor([12], 2);
    expect(await foldedOutputDifference(m, f.model, x)).toBeLessThanOrEqual(TOLERANCE);
    // the check can fail: the unfolded model without its BN layers is far off
    const noBn = (l: LayerSpec) => l.type !== 'batchnorm';
    const dropped: NeutralModel = { ...m, layers: m.layers.filter(noBn), weights: Object.fromEntries(Object.entries(m.weights!).filter(([k]) => !k.startsWith('batchnorm'))) };
    expect(await foldedOutputDifference(m, dropped, x)).toBeGreaterThan(0.1);
    x.dispose();
  });

  it('CNN: BN after a linear conv without bias (+ leaky relu), BN kept before a pool, BN folded through flatten (NHWC channels)', async () => {
    const m = randomModel([10, 10, 2], [
      { type: 'conv2d', filters: 4, kernelSize: 3, useBias: false, padding: 'same' },
      { type: 'batchnorm', epsilon: 1e-5 },
      { type: 'activation', activation: 'leaky_relu', alpha: 0.2 },
      { type: 'conv2d', filters: 6, kernelSize: 3, activation: 'relu', padding: 'same' },
      { type: 'batchnorm' },
      { type: 'maxpool2d', poolSize: 2 },
      { type: 'conv2d', filters: 5, kernelSize: 3, activation: 'elu' },
      { type: 'batchnorm', epsilon: 0.01 },
      { type: 'flatten' },
      { type: 'dropout', rate: 0.3 },
      { type: 'dense', units: 7 },
    ], 3);
    const f = foldBatchNorm(m);
    expect(f.folded).toEqual(['batchnorm_2', 'batchnorm_8']);
    expect(f.kept).toHaveLength(1);
    expect(f.kept[0].layer).toBe('batchnorm_5');
    expect(f.kept[0].why).toMatch(/conv2d_4 before it applies relu/);
    expect(f.kept[0].why).toMatch(/maxpool2d_6 \(maxpool2d\), not a dense or conv2d layer/);
    const first = f.model.layers[0] as Extract<LayerSpec, { type: 'conv2d' }>;
    expect([first.activation, first.alpha, first.useBias]).toEqual(['leaky_relu', 0.2, true]);
    expect(f.model.layers.length).toBe(m.layers.length - 4); // two BN, the activation, the dropout
    const x = inputsFor([10, 10, 2], 4);
    expect(await foldedOutputDifference(m, f.model, x)).toBeLessThanOrEqual(TOLERANCE);
    x.dispose();
  });

  it('BN on the input folds into the first dense; BN before a valid conv folds into it, before a same conv it is kept', async () => {
    const m = randomModel([6, 6, 3], [
      { type: 'batchnorm' },
      { type: 'conv2d', filters: 4, kernelSize: 2, activation: 'tanh' },
      { type: 'batchnorm' },
      { type: 'conv2d', filters: 4, kernelSize: 3, activation: 'relu', padding: 'same' },
      { type: 'flatten' },
      { type: 'dense', units: 3, activation: 'softmax' },
    ], 5);
    const f = foldBatchNorm(m);
    expect(f.folded).toEqual(['batchnorm_1']);
    expect(f.kept.map((k) => k.layer)).toEqual(['batchnorm_3']);
    expect(f.kept[0].why).toMatch(/pads with zeros/);
    const x = inputsFor([6, 6, 3], 6);
    expect(await foldedOutputDifference(m, f.model, x)).toBeLessThanOrEqual(TOLERANCE);
    x.dispose();

    const valid = randomModel([6, 6, 3], [
      { type: 'conv2d', filters: 4, kernelSize: 2, activation: 'tanh' },
      { type: 'batchnorm' },
      { type: 'conv2d', filters: 4, kernelSize: 3, activation: 'relu', strides: 2 },
      { type: 'flatten' },
      { type: 'dense', units: 3, activation: 'softmax' },
    ], 7);
    const g = foldBatchNorm(valid);
    expect(g.folded).toEqual(['batchnorm_2']);
    const y = inputsFor([6, 6, 3], 8);
    expect(await foldedOutputDifference(valid, g.model, y)).toBeLessThanOrEqual(TOLERANCE);
    y.dispose();
  });

  it('keeps BN at the end, and every BN of a model without weights, saying why', () => {
    const m = randomModel([4], [{ type: 'dense', units: 3, activation: 'relu' }, { type: 'batchnorm' }], 9);
    expect(foldBatchNorm(m).kept).toEqual([{ layer: 'batchnorm_2', why: expect.stringMatching(/applies relu.*last layer/) }]);
    const bare = foldBatchNorm({ ...m, weights: null });
    expect(bare.kept[0].why).toMatch(/no weights/);
    expect(bare.model.weights).toBeNull();
  });
});
