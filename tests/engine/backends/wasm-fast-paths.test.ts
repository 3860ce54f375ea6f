// The wasm fast paths against the cpu backend: the same products, to float32 tolerance, for
// every transpose combination, batch dims and broadcasting, forward and through gradients.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { installWasmFastPaths, installedFastPaths, useWasmFastPaths } from '../../../main/engine/backends/wasm-fast-paths.ts';
import { registerWasmGradientKernels } from '../../../main/engine/backends/wasm-kernels.ts';
import { conv2dFilterGradSimd, simdKernelStatus } from '../../../main/engine/backends/simd/simd-kernels.ts';

beforeAll(async () => {
  await tf.setBackend('wasm');
  registerWasmGradientKernels(); // (the composed filter gradient, which the fast path wraps, as select.ts does)
  installWasmFastPaths();
});

const values = (shape: number[], seed: number) => Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(seed * 131 + i * 7.31) * 0.8);

/** f on cpu and on wasm with the same inputs: the largest difference relative to the largest value. */
async function compare(f: () => tf.Tensor | tf.Tensor[]): Promise<number> {
  await tf.setBackend('cpu');
  const ref = [f()].flat().map((t) => t.dataSync().slice());
  await tf.setBackend('wasm');
  const before = tf.memory().numTensors;
  const got = tf.tidy(() => [f()].flat().map((t) => t.dataSync().slice()));
  expect(tf.memory().numTensors).toBe(before); // nothing leaks, the transposed copies included
  let diff = 0, scale = 1e-6;
  ref.forEach((r, k) => r.forEach((v, i) => { diff = Math.max(diff, Math.abs(v - got[k][i])); scale = Math.max(scale, Math.abs(v)); }));
  return diff / scale;
}

describe('wasm fast paths', () => {
  it('are installed over the stock kernels, and can be switched back to them (the benchmark compares both)', () => {
    expect(installedFastPaths).toEqual(['Identity', 'BatchMatMul', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'MaxPoolGrad', 'AvgPoolGrad', 'Sum']);
    const fast = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;
    useWasmFastPaths(false);
    const stock = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;
    expect(stock).not.toBe(fast);
    useWasmFastPaths(true);
    expect(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc).toBe(fast);
    expect(simdKernelStatus()).toBe('on (one-thread heap)'); // (the filter and max-pool gradients below run through them)
  });

  it.each([
    { a: [5, 7], b: [7, 3], ta: false, tb: false },
    { a: [7, 5], b: [7, 3], ta: true, tb: false },
    { a: [5, 7], b: [3, 7], ta: false, tb: true },
    { a: [7, 5], b: [3, 7], ta: true, tb: true },
    { a: [4, 9, 6], b: [4, 9, 2], ta: true, tb: false },
    { a: [4, 6, 9], b: [4, 2, 9], ta: false, tb: true },
    { a: [2, 3, 8, 5], b: [2, 3, 6, 8], ta: true, tb: true },
    { a: [3, 5, 7], b: [1, 2, 7], ta: false, tb: true }, // broadcast batch
    { a: [64, 784], b: [64, 256], ta: true, tb: false }, // a dense layer's dW
    { a: [64, 256], b: [784, 256], ta: false, tb: true }, // a dense layer's dx
    { a: [8, 12], b: [12, 16], ta: false, tb: false }, // rows by 4, columns by 8: the SIMD product from here on
    { a: [12, 8], b: [16, 12], ta: true, tb: true },
    { a: [1, 64, 100], b: [1, 100, 24], ta: false, tb: false }, // a batch of one
    { a: [64, 784], b: [784, 256], ta: false, tb: false }, // a dense layer's forward product
    { a: [2, 8, 5], b: [2, 5, 8], ta: false, tb: false }, // two batches: stock
  ])('matMul $a x $b (transposeA $ta, transposeB $tb) equals cpu', async ({ a, b, ta, tb }) => {
    const rel = await compare(() => tf.matMul(tf.tensor(values(a, 1), a), tf.tensor(values(b, 2), b), ta, tb));
    expect(rel).toBeLessThan(1e-5);
  });

  it('a second product with the same B goes to XNNPACK (packed once, then reused) and gives the same numbers', async () => {
    await tf.setBackend('wasm');
    tf.tidy(() => {
      const a = tf.tensor2d(values([16, 40], 20), [16, 40]);
      const b = tf.tensor2d(values([40, 24], 21), [40, 24]);
      const first = tf.matMul(a, b).dataSync(); // the SIMD product (b is new)
      const second = tf.matMul(a, b).dataSync(); // XNNPACK: b was seen
      expect(Array.from(second)).toEqual(Array.from(first)); // (both add over k in order: the same float32 sums)
    });
  });

  it.each([
    { x: [2, 7, 7, 3], k: [3, 3, 3, 4], strides: 1, pad: 'valid' },
    { x: [2, 7, 7, 3], k: [3, 3, 3, 4], strides: 1, pad: 'same' },
    { x: [1, 8, 6, 2], k: [2, 4, 2, 5], strides: 1, pad: 'same' }, // even kernels: the padding is uneven
    { x: [3, 5, 9, 4], k: [5, 1, 4, 3], strides: 1, pad: 'same' },
    { x: [2, 6, 6, 1], k: [1, 1, 1, 8], strides: 1, pad: 'valid' },
    { x: [2, 9, 8, 3], k: [3, 3, 3, 2], strides: 2, pad: 'same' }, // strided: the stock kernel, still right
  ])('the input gradient of conv2d $x * $k (stride $strides, $pad) equals cpu', async ({ x, k, strides, pad }) => {
    expect(installedFastPaths).toContain('Conv2DBackpropInput');
    const rel = await compare(() => {
      const xs = tf.tensor4d(values(x, 6), x as [number, number, number, number]);
      const w = tf.tensor4d(values(k, 7), k as [number, number, number, number]);
      return tf.grad((v: tf.Tensor) => tf.conv2d(v as tf.Tensor4D, w, strides, pad as 'same' | 'valid').square().sum())(xs);
    });
    expect(rel).toBeLessThan(1e-5);
  });

  it.each([
    { x: [2, 9, 8, 8], k: [3, 3, 8, 16], strides: 1, pad: 'same' }, // the blocked SIMD loop (channels by 4, outputs by 8)
    { x: [3, 10, 9, 4], k: [3, 2, 4, 8], strides: [2, 1], pad: 'valid' }, // blocked, strided
    { x: [1, 8, 6, 4], k: [2, 4, 4, 8], strides: 1, pad: 'same' }, // blocked, an even kernel: uneven padding
    { x: [1, 3, 3, 4], k: [5, 5, 4, 8], strides: 1, pad: 'same' }, // blocked: taps that never see the input
    { x: [2, 6, 6, 4], k: [3, 3, 4, 8], strides: 2, pad: [[0, 0], [2, 1], [0, 3], [0, 0]] }, // blocked, explicit padding
    { x: [2, 7, 7, 3], k: [3, 3, 3, 20], strides: 1, pad: 'same' }, // the one-channel SIMD loop: a block of 16 outputs, then 4
    { x: [3, 9, 8, 2], k: [3, 2, 2, 4], strides: 2, pad: 'same' }, // one-channel loop, strided
    { x: [4, 12, 12, 1], k: [3, 3, 1, 16], strides: 1, pad: 'valid' }, // a first layer
    { x: [2, 8, 7, 1], k: [3, 2, 1, 5], strides: [2, 1], pad: 'same' }, // 5 outputs, 1 channel: the im2col product
    { x: [1, 7, 7, 8], k: [3, 3, 8, 6], strides: 1, pad: 'same' }, // 6 outputs, 8 channels: the composed kernel
  ])('the filter gradient of conv2d $x * $k (stride $strides, $pad) equals cpu', async ({ x, k, strides, pad }) => {
    expect(installedFastPaths).toContain('Conv2DBackpropFilter');
    const rel = await compare(() => {
      const xs = tf.tensor4d(values(x, 16), x as [number, number, number, number]);
      const w = tf.tensor4d(values(k, 17), k as [number, number, number, number]);
      return tf.grad((v: tf.Tensor) => tf.conv2d(xs, v as tf.Tensor4D, strides as [number, number], pad as 'same').square().sum())(w);
    });
    expect(rel).toBeLessThan(1e-5);
  });

  it.each([
    { x: [2, 8, 8, 3], size: 2, strides: 2, pad: 'valid' },
    { x: [2, 9, 7, 3], size: 2, strides: 2, pad: 'valid' }, // odd sizes: the last row and column see no window
    { x: [2, 9, 7, 3], size: 2, strides: 2, pad: 'same' }, // windows cut by the border
    { x: [1, 7, 7, 5], size: 3, strides: 2, pad: 'same' }, // overlapping windows: gradients add up
    { x: [2, 6, 6, 2], size: 3, strides: 1, pad: 'valid' },
    { x: [1, 10, 8, 4], size: [2, 3], strides: [3, 2], pad: 'valid' }, // gaps between windows
    { x: [3, 4, 4, 16], size: 2, strides: 2, pad: 'valid' }, // the SIMD loop from here on
    { x: [2, 9, 7, 8], size: 2, strides: 2, pad: 'valid' }, // the SIMD loop, with a row and a column no window covers
    { x: [2, 8, 6, 4], size: 2, strides: 2, pad: 'same' }, // 'same' on even sizes: no padding, the SIMD loop
    { x: [2, 9, 7, 4], size: 2, strides: 2, pad: 'same' }, // padded: the JavaScript loop
  ])('the gradient of maxPool $x (size $size, stride $strides, $pad) equals cpu', async ({ x, size, strides, pad }) => {
    expect(installedFastPaths).toContain('MaxPoolGrad');
    const rel = await compare(() => {
      const xs = tf.tensor4d(values(x, 8), x as [number, number, number, number]);
      return tf.grad((v: tf.Tensor) => tf.maxPool(v as tf.Tensor4D, size as number, strides as number, pad as 'same' | 'valid').square().sum())(xs); // (dy = 2y: a different gradient per window)
    });
    expect(rel).toBeLessThan(1e-5);
  });

  it.each([1, 4, 8])('maxPool\'s gradient goes to the first of tied maxima, skips NaN, and passes nothing from a window of -Infinity, as on cpu (%i channels)', async (C) => {
    // post-ReLU activations tie at 0 all the time; a window's gradient must not be split or doubled
    const x = [0, 0, 0, 0, /**/ NaN, 1, 1, NaN, /**/ -Infinity, -Infinity, -Infinity, -Infinity, /**/ NaN, NaN, NaN, NaN, /**/ 2, NaN, 5, 5];
    // five 2x2 windows side by side, [1, 2, 10, C]: the first row holds each window's top pair, the second its bottom pair; channel c holds the
    // windows in another order (window (w + c) mod 5 at place w), so SIMD lanes see different cases
    const at = (w: number, c: number, k: number) => x[((w + c) % 5) * 4 + k];
    const cells = (w: number, ks: number[]) => ks.flatMap((k) => Array.from({ length: C }, (_, c) => at(w, c, k)));
    const layout = () => [0, 1, 2, 3, 4].flatMap((w) => cells(w, [0, 1])).concat([0, 1, 2, 3, 4].flatMap((w) => cells(w, [2, 3])));
    const grads = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const xs = tf.tensor4d(layout(), [1, 2, 10, C]);
        const dy = tf.tensor4d(Array.from({ length: 5 * C }, (_, i) => Math.floor(i / C) + 1), [1, 1, 5, C]);
        return tf.grad((v: tf.Tensor) => tf.maxPool(v as tf.Tensor4D, 2, 2, 'valid').mul(dy).sum())(xs).dataSync().slice();
      });
    };
    const cpu = Array.from(await grads('cpu'));
    const wasm = Array.from(await grads('wasm'));
    expect(wasm).toEqual(cpu);
    // windows 1, 2 and 5 (in channel 0's order) pass their gradient once each, in every channel
    for (let c = 0; c < C; c++) {
      const passed = cpu.filter((_, i) => i % C === c).reduce((a, b) => a + b, 0);
      const dyOfPassing = [0, 1, 4].map((w) => ((((w - c) % 5) + 5) % 5) + 1); // (window w sits at place (w - c) mod 5, whose dy is its place + 1)
      expect(passed).toBe(dyOfPassing.reduce((a, b) => a + b, 0));
    }
  });

  it('maxPool\'s gradient on zero channels is empty, as on cpu (the SIMD loop would never end), and a dy of -0 gives +0 as on cpu', async () => {
    await tf.setBackend('wasm');
    const empty = tf.tidy(() => tf.grad((v: tf.Tensor) => tf.maxPool(v as tf.Tensor4D, 2, 2, 'valid').sum())(tf.zeros([1, 4, 4, 0])));
    expect(empty.shape).toEqual([1, 4, 4, 0]);
    empty.dispose();
    const dx = tf.tidy(() => {
      const x = tf.tensor4d(values([2, 4, 4, 8], 22), [2, 4, 4, 8]);
      const dy = tf.fill([2, 2, 2, 8], -0);
      return tf.grad((v: tf.Tensor) => tf.maxPool(v as tf.Tensor4D, 2, 2, 'valid').mul(dy).sum())(x).dataSync().slice();
    });
    expect(Array.from(dx).every((v) => Object.is(v, 0))).toBe(true);
  });

  it('the SIMD filter gradient refuses a dy whose shape does not fit the convolution (it would read past it)', async () => {
    await tf.setBackend('wasm');
    tf.tidy(() => {
      const x = tf.zeros([1, 8, 8, 4]), dy = tf.zeros([1, 3, 3, 8]); // 'valid' 3x3 at stride 1 gives 6x6, not 3x3
      const attrs = { strides: 1, pad: 'valid' as const, dataFormat: 'NHWC' as const, filterShape: [3, 3, 4, 8] as [number, number, number, number] };
      expect(conv2dFilterGradSimd(x, dy, attrs, tf.backend())).toBeNull();
      const fits = conv2dFilterGradSimd(x, tf.zeros([1, 6, 6, 8]), attrs, tf.backend());
      expect(fits).not.toBeNull();
      tf.engine().makeTensorFromTensorInfo(fits!).dispose();
    });
  });

  it.each([
    { x: [2, 8, 8, 3], size: 2, strides: 2 },
    { x: [2, 9, 7, 3], size: 2, strides: 2 },
    { x: [1, 7, 7, 5], size: 3, strides: 2 }, // overlapping
    { x: [1, 10, 8, 4], size: [2, 3], strides: [3, 2] }, // gaps
  ])('the gradient of avgPool $x (size $size, stride $strides, valid) equals cpu', async ({ x, size, strides }) => {
    expect(installedFastPaths).toContain('AvgPoolGrad');
    const rel = await compare(() => {
      const xs = tf.tensor4d(values(x, 9), x as [number, number, number, number]);
      return tf.grad((v: tf.Tensor) => tf.avgPool(v as tf.Tensor4D, size as number, strides as number, 'valid').square().sum())(xs);
    });
    expect(rel).toBeLessThan(1e-5);
  });

  it('avgPool\'s gradient at a \'same\' border is the forward pass\'s derivative (tfjs\' cpu kernel divides by the whole window there)', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d(values([1, 5, 5, 2], 10), [1, 5, 5, 2]);
    const dyWeights = tf.tensor4d(values([1, 3, 3, 2], 11), [1, 3, 3, 2]);
    const f = (v: tf.Tensor) => tf.avgPool(v as tf.Tensor4D, 2, 2, 'same').mul(dyWeights).sum() as tf.Scalar;
    const analytic = tf.grad(f)(x).dataSync();
    // central differences of the forward pass itself, element by element (it is linear: exact up to rounding)
    const base = x.dataSync();
    const h = 1e-2;
    for (let i = 0; i < base.length; i++) {
      const plus = base.slice(); plus[i] += h;
      const minus = base.slice(); minus[i] -= h;
      const numeric = (f(tf.tensor4d(plus, [1, 5, 5, 2])).dataSync()[0] - f(tf.tensor4d(minus, [1, 5, 5, 2])).dataSync()[0]) / (2 * h);
      expect(analytic[i]).toBeCloseTo(numeric, 3);
    }
  });

  it.each([
    { x: [6, 5, 4, 3], axis: [0, 1, 2], keepDims: false }, // a conv bias's gradient
    { x: [6, 5, 4, 3], axis: [2, 0, 1], keepDims: true }, // unsorted axes, kept
    { x: [9, 7], axis: 0, keepDims: false }, // a dense bias's gradient
    { x: [700, 12], axis: 0, keepDims: false }, // rows in several cache blocks
    { x: [3, 4, 5], axis: [-3, -2], keepDims: false }, // negative axes
    { x: [3, 4, 5], axis: [1], keepDims: false }, // not the leading axes: the stock kernel
    { x: [3, 4, 5], axis: null, keepDims: true }, // everything: the stock kernel
    { x: [2, 3, 4], axis: [0, 2], keepDims: false }, // a gap: the stock kernel
  ])('sum of $x over $axis (keepDims $keepDims) equals cpu', async ({ x, axis, keepDims }) => {
    const rel = await compare(() => {
      const t = tf.tensor(values(x, 12), x);
      const s = tf.sum(t, axis ?? undefined, keepDims);
      expect(s.shape).toEqual(tf.tidy(() => tf.ones(x).sum(axis ?? undefined, keepDims).shape));
      return s;
    });
    expect(rel).toBeLessThan(1e-5);
  });

  it('sum over leading axes keeps int32 on the stock kernel, and a conv bias\'s gradient equals cpu', async () => {
    await tf.setBackend('wasm');
    const ints = tf.tensor2d([[1, 2], [3, 4], [5, 6]], [3, 2], 'int32');
    const s = tf.sum(ints, 0);
    expect(s.dtype).toBe('int32');
    expect(Array.from(s.dataSync())).toEqual([9, 12]);
    tf.dispose([ints, s]);
    const rel = await compare(() => {
      const x = tf.tensor4d(values([4, 6, 6, 2], 13), [4, 6, 6, 2]);
      const w = tf.variable(tf.tensor4d(values([3, 3, 2, 5], 14), [3, 3, 2, 5]));
      const b = tf.variable(tf.tensor1d(values([5], 15)));
      const { grads } = tf.variableGrads(() => tf.relu(tf.add(tf.conv2d(x, w, 1, 'same'), b)).square().mean() as tf.Scalar, [w, b]);
      const out = [grads[w.name], grads[b.name]];
      w.dispose(); b.dispose();
      return out;
    });
    expect(rel).toBeLessThan(1e-5);
  });

  it('a dense layer\'s gradients (which ask for transposes) equal cpu', async () => {
    const rel = await compare(() => {
      const x = tf.tensor2d(values([16, 20], 3), [16, 20]);
      const w = tf.variable(tf.tensor2d(values([20, 12], 4), [20, 12]));
      const b = tf.variable(tf.tensor1d(values([12], 5)));
      const { grads } = tf.variableGrads(() => tf.tanh(tf.add(tf.matMul(x, w), b)).square().mean() as tf.Scalar, [w, b]);
      const out = [grads[w.name], grads[b.name]];
      w.dispose(); b.dispose();
      return out;
    });
    expect(rel).toBeLessThan(1e-5);
  });
});
