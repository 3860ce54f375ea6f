// The composed wasm gradient kernels against the cpu backend's own kernels.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradientKernels } from '../../../main/engine/backends/wasm-kernels.ts';

beforeAll(async () => {
  await tf.setBackend('wasm');
  registerWasmGradientKernels();
});

function seeded(shape: number[], seed: number) {
  const n = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => Math.sin(seed * 997 + i * 12.9898) * 0.5);
}

/** Runs f on both backends with the same plain inputs; returns the max absolute difference and scale. */
async function onBoth(f: () => tf.Tensor): Promise<{ diff: number; scale: number }> {
  await tf.setBackend('cpu');
  const ref = f().dataSync();
  await tf.setBackend('wasm');
  const before = tf.memory().numTensors;
  const got = tf.tidy(() => f().dataSync());
  expect(tf.memory().numTensors).toBe(before); // the kernels leak nothing
  let diff = 0, scale = 0;
  ref.forEach((r, i) => { diff = Math.max(diff, Math.abs(r - got[i])); scale = Math.max(scale, Math.abs(r)); });
  return { diff, scale };
}

describe('wasm gradient kernels', () => {
  it('lists the kernels it added', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeTruthy();
    expect(tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm')).toBeTruthy();
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeTruthy();
    expect(tf.getKernel('DepthwiseConv2dNativeBackpropInput', 'wasm')).toBeTruthy();
  });

  it.each([
    { x: [2, 6, 6, 3], k: [3, 3, 3, 1], strides: 1, pad: 'same', dilations: 1 },
    { x: [2, 7, 7, 3], k: [3, 3, 3, 2], strides: 1, pad: 'valid', dilations: 1 }, // channel multiplier 2
    { x: [2, 9, 8, 2], k: [3, 3, 2, 1], strides: 2, pad: 'same', dilations: 1 },
    { x: [1, 10, 9, 2], k: [3, 2, 2, 3], strides: [2, 3], pad: 'valid', dilations: 1 }, // rows the windows never reach
    // (dilations above 1: tfjs has no depthwise gradient for them on any backend)
    { x: [1, 6, 6, 2], k: [2, 2, 2, 1], strides: 1, pad: [[0, 0], [3, 3], [0, 3], [0, 0]], dilations: 1 }, // padding wider than the kernel
  ] as const)('depthwise conv input gradient matches cpu: x $x, kernel $k, strides $strides, $pad, dilation $dilations', async ({ x, k, strides, pad, dilations }) => {
    const xs = seeded([...x], 7), ks = seeded([...k], 8);
    const { diff, scale } = await onBoth(() => tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.depthwiseConv2d(v as tf.Tensor4D, tf.tensor4d(ks, [...k] as never), strides as never, pad as never, 'NHWC', dilations))))(tf.tensor4d(xs, [...x] as never)));
    expect(scale).toBeGreaterThan(0);
    expect(diff / scale).toBeLessThan(1e-5);
  });

  it.each([
    { x: [2, 7, 7, 3], k: [3, 3, 3, 4], strides: 1, pad: 'valid' },
    { x: [2, 7, 7, 3], k: [3, 3, 3, 4], strides: 1, pad: 'same' },
    { x: [3, 9, 8, 2], k: [3, 2, 2, 5], strides: 2, pad: 'same' },
    { x: [1, 6, 6, 1], k: [5, 5, 1, 2], strides: [1, 2], pad: 'valid' },
    { x: [2, 5, 5, 4], k: [1, 1, 4, 3], strides: 1, pad: 'valid' },
    { x: [2, 9, 9, 3], k: [3, 3, 3, 4], strides: 2, pad: 'same' },
    { x: [2, 8, 7, 1], k: [3, 2, 1, 5], strides: [2, 1], pad: 'same' },
    { x: [1, 7, 7, 8], k: [3, 3, 8, 2], strides: 1, pad: 'same' },
  ] as const)('conv2d filter gradient (composed from a dilated convolution: the fast paths\' fallback and the benchmark\'s stock kernel) matches cpu: x $x, kernel $k, strides $strides, $pad', async ({ x, k, strides, pad }) => {
    const xs = seeded([...x], 1), ks = seeded([...k], 2);
    const { diff, scale } = await onBoth(() => tf.grad((w: tf.Tensor) => tf.sum(tf.square(tf.conv2d(tf.tensor4d(xs, [...x] as never), w as tf.Tensor4D, strides as never, pad))))(tf.tensor4d(ks, [...k] as never)));
    expect(scale).toBeGreaterThan(0);
    expect(diff / scale).toBeLessThan(1e-4);
  });

  it('depthwise conv filter gradient matches cpu', async () => {
    const x = [2, 6, 6, 3], k = [3, 3, 3, 2];
    const xs = seeded(x, 3), ks = seeded(k, 4);
    const { diff, scale } = await onBoth(() => tf.grad((w: tf.Tensor) => tf.sum(tf.square(tf.depthwiseConv2d(tf.tensor4d(xs, x as never), w as tf.Tensor4D, 1, 'same'))))(tf.tensor4d(ks, k as never)));
    expect(diff / scale).toBeLessThan(1e-4);
  });

  it('unsorted segment sum (the embedding gradient) matches cpu', async () => {
    const data = seeded([6, 4], 5);
    const { diff, scale } = await onBoth(() => tf.unsortedSegmentSum(tf.tensor2d(data, [6, 4]), tf.tensor1d([0, 2, 0, 4, 2, 1], 'int32'), 5));
    expect(diff / scale).toBeLessThan(1e-5);
    const { diff: d2 } = await onBoth(() => tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t as tf.Tensor2D, tf.tensor1d([1, 1, 3], 'int32')))))(tf.tensor2d(data, [6, 4])));
    expect(d2).toBeLessThan(1e-5);
  });

  it('trains a small CNN on wasm with the loss going down', async () => {
    await tf.setBackend('wasm');
    const m = tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu' }),
      tf.layers.flatten(), tf.layers.dense({ units: 2, activation: 'softmax' }),
    ] });
    m.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const xs = tf.tensor4d(seeded([32, 8, 8, 1], 6), [32, 8, 8, 1]);
    const ys = tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 2), 'int32'), 2);
    const h = await m.fit(xs, ys, { epochs: 15, batchSize: 32, verbose: 0 });
    const loss = h.history.loss as number[];
    expect(loss[loss.length - 1]).toBeLessThan(loss[0]);
  });
});
