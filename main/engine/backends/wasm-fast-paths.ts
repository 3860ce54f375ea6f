// Fast paths for wasm kernels that tfjs 4.22 runs as a scalar loop. Each one rearranges its
// inputs with kernels wasm runs fast, then calls wasm's own fast kernel, so the numbers are the
// same up to float32 rounding (checked against the cpu backend in tests).
//
// BatchMatMul: wasm uses XNNPACK only when neither input is transposed; every dense layer's
// gradient (dW = xᵀ·dy, dx = dy·Wᵀ) asks for a transpose and falls back to a scalar loop. A
// transpose materialised with wasm's Transpose kernel and then the untransposed fast path is
// several times faster (3.4x on a 784-256-128-10 MLP step, measured in the issue).
//
// Conv2DBackpropInput: wasm's is a scalar loop (~2.6 GFLOP/s). At stride 1 (no dilation) the
// input gradient is a plain convolution of dy, padded by (kernel - 1 - pad) on each side, with
// the filter flipped in space and its in/out channels swapped: XNNPACK runs that.
import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { conv2dBackpropFilterIm2col, unwrap, wrap, type ConvAttrs } from './wasm-kernels.ts';
import { conv2dFilterGradSimd, matMulSimd, maxPoolGrad2x2Simd, type PoolAttrs } from './simd/simd-kernels.ts';
import { inputView, zeroedOutput } from './wasm-heap.ts';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: KernelBackend; attrs?: NamedAttrMap };
type Kernel = (args: KernelArgs) => TensorInfo | TensorInfo[];

/** The fast paths this process has installed (for `trainscope doctor` and the run record). */
export const installedFastPaths: string[] = [];

/** Swaps the last two axes with the backend's own Transpose kernel (no engine, no tape, no tensor). */
function swapLastTwo(x: TensorInfo, backend: KernelBackend): TensorInfo {
  const r = x.shape.length;
  const perm = [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2];
  const transpose = tf.getKernel('Transpose', 'wasm')!.kernelFunc as unknown as Kernel;
  return transpose({ inputs: { x }, backend, attrs: { perm } }) as TensorInfo;
}

function batchMatMulUntransposed(stock: Kernel): Kernel {
  return (args) => {
    const { transposeA, transposeB } = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    const { backend } = args;
    const a = args.inputs.a!, b = args.inputs.b!;
    if (!transposeA && !transposeB) return matMulSimd(a, b, backend) ?? stock(args);
    const at = transposeA ? swapLastTwo(a, backend) : a;
    const bt = transposeB ? swapLastTwo(b, backend) : b;
    try {
      return matMulSimd(at, bt, backend) ?? stock({ inputs: { a: at, b: bt }, backend, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    } finally {
      if (at !== a) backend.disposeData(at.dataId);
      if (bt !== b) backend.disposeData(bt.dataId);
    }
  };
}

/** Conv2DBackpropInput's attributes: a convolution's, with the input's shape instead of the filter's. */
type BackpropInputAttrs = Omit<ConvAttrs, 'filterShape' | 'dilations'> & { inputShape: [number, number, number, number] };

function conv2dBackpropInputAsConv(stock: Kernel): Kernel {
  return (args) => {
    const a = args.attrs as unknown as BackpropInputAttrs;
    const filterShape = args.inputs.filter!.shape as [number, number, number, number];
    const info = tf.backend_util.computeConv2DInfo(a.inputShape, filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
    const { top, bottom, left, right } = info.padInfo;
    const [kh, kw] = [info.filterHeight, info.filterWidth];
    const pads = [kh - 1 - top, kh - 1 - bottom, kw - 1 - left, kw - 1 - right];
    // strided or channels-first gradients, and paddings wider than the kernel, keep the stock kernel
    if (a.dataFormat === 'NCHW' || info.strideHeight !== 1 || info.strideWidth !== 1 || pads.some((p) => p < 0)) return stock(args);
    const { backend } = args;
    const dy = wrap(args.inputs.dy!, backend) as tf.Tensor4D;
    const filter = wrap(args.inputs.filter!, backend) as tf.Tensor4D;
    const dx = tf.tidy(() => {
      const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D; // [kh, kw, out, in]
      const padded = tf.conv2d(dy, flipped, 1, [[0, 0], [pads[0], pads[1]], [pads[2], pads[3]], [0, 0]], 'NHWC');
      // (the stock kernel's output shape, exactly: the input's)
      return padded.shape[1] === a.inputShape[1] && padded.shape[2] === a.inputShape[2] ? padded : tf.slice(padded, [0, 0, 0, 0], [-1, a.inputShape[1], a.inputShape[2], -1]);
    });
    tf.dispose([dy, filter]);
    return unwrap(dx, backend);
  };
}

/** A pooling's sizes: the input's, the output's, the stride, the window and where it starts. */
function poolGeometry(x: TensorInfo, a: PoolAttrs) {
  const [B, H, W, C] = x.shape as [number, number, number, number];
  const info = tf.backend_util.computePool2DInfo([B, H, W, C], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  return {
    B, H, W, C, OH: info.outHeight, OW: info.outWidth, sh: info.strideHeight, sw: info.strideWidth,
    fh: info.filterHeight, fw: info.filterWidth, top: info.padInfo.top, left: info.padInfo.left,
  };
}

/**
 * MaxPoolGrad as one pass over the windows in JavaScript. wasm's kernel visits, for every input
 * position, every window that could hold it (~20 ns an element, measured); this finds each
 * window's maximum once and adds dy there, with the rule of tfjs' cpu backend: the first
 * strictly greater value in row-major order wins, so NaN never does, and a window of -Infinity
 * and NaN passes no gradient. About 2x faster than wasm's on a 2x2 pool (scalar JavaScript is
 * bound by the comparisons' branches; a tensor-op version measured no better).
 */
function maxPoolGradByWindows(): Kernel {
  return ({ inputs, backend, attrs }) => {
    const x = inputs.input!, dy = inputs.dy!;
    // (the common 2x2 pooling at stride 2: our SIMD loop, without branches, ~3x faster)
    const simd = maxPoolGrad2x2Simd(x, dy, attrs as unknown as PoolAttrs, backend);
    if (simd) return simd;
    const { B, H, W, C, OH, OW, sh, sw, fh, fw, top, left } = poolGeometry(x, attrs as unknown as PoolAttrs);
    const out = zeroedOutput(backend, [B, H, W, C], 'pool.dx', [x, dy]), dx = out.data;
    const xs = inputView(backend, x, 'maxpool.x'), dys = inputView(backend, dy, 'maxpool.dy');
    const cells = new Int32Array(fh * fw); // the window's positions inside the input, channel 0
    for (let b = 0; b < B; b++) {
      for (let yr = 0; yr < OH; yr++) {
        const r0 = yr * sh - top, rMin = Math.max(0, r0), rMax = Math.min(H, r0 + fh);
        for (let yc = 0; yc < OW; yc++) {
          const c0 = yc * sw - left, cMin = Math.max(0, c0), cMax = Math.min(W, c0 + fw);
          let n = 0;
          for (let r = rMin; r < rMax; r++) for (let col = cMin; col < cMax; col++) cells[n++] = ((b * H + r) * W + col) * C;
          const dyBase = ((b * OH + yr) * OW + yc) * C;
          if (n === 4) {
            // (the common 2x2 window, unrolled: about 1.5x faster on a 2x2 pool)
            const p0 = cells[0], p1 = cells[1], p2 = cells[2], p3 = cells[3];
            for (let c = 0; c < C; c++) {
              // starting from the first value; a NaN there is replaced by the next value, as a
              // start from -Infinity would; a maximum of -Infinity or NaN passes nothing
              let best = xs[p0 + c], at = p0 + c, v = xs[p1 + c];
              if (v > best || best !== best) { best = v; at = p1 + c; }
              v = xs[p2 + c];
              if (v > best || best !== best) { best = v; at = p2 + c; }
              v = xs[p3 + c];
              if (v > best || best !== best) { best = v; at = p3 + c; }
              if (best > -Infinity) dx[at] += dys[dyBase + c];
            }
            continue;
          }
          for (let c = 0; c < C; c++) {
            let best = -Infinity, at = -1;
            for (let k = 0; k < n; k++) {
              const i = cells[k] + c;
              const v = xs[i];
              if (v > best) { best = v; at = i; }
            }
            if (at >= 0) dx[at] += dys[dyBase + c];
          }
        }
      }
    }
    return out.finish();
  };
}

/**
 * AvgPoolGrad the same way: each window hands dy / (its cells inside the input) to those cells,
 * the derivative of the forward pass (which averages over the cells inside the input, on cpu
 * and in XNNPACK). tfjs' cpu kernel divides by the whole window instead, which at a 'same'
 * border is not the forward's derivative; with 'valid' windows the two agree (tested both ways).
 */
function avgPoolGradByWindows(): Kernel {
  return ({ inputs, backend, attrs }) => {
    const x = inputs.input!, dy = inputs.dy!;
    const { B, H, W, C, OH, OW, sh, sw, fh, fw, top, left } = poolGeometry(x, attrs as unknown as PoolAttrs);
    const out = zeroedOutput(backend, [B, H, W, C], 'pool.dx', [dy]), dx = out.data;
    const dys = inputView(backend, dy, 'avgpool.dy');
    for (let b = 0; b < B; b++) {
      for (let yr = 0; yr < OH; yr++) {
        const r0 = yr * sh - top, rMin = Math.max(0, r0), rMax = Math.min(H, r0 + fh);
        for (let yc = 0; yc < OW; yc++) {
          const c0 = yc * sw - left, cMin = Math.max(0, c0), cMax = Math.min(W, c0 + fw);
          const n = (rMax - rMin) * (cMax - cMin);
          if (n <= 0) continue;
          const dyBase = ((b * OH + yr) * OW + yc) * C;
          for (let r = rMin; r < rMax; r++) {
            for (let col = cMin; col < cMax; col++) {
              const base = ((b * H + r) * W + col) * C;
              for (let c = 0; c < C; c++) dx[base + c] += dys[dyBase + c] / n;
            }
          }
        }
      }
    }
    return out.finish();
  };
}

/**
 * Sum over leading axes, keeping the trailing ones: a bias's gradient (dy summed over the batch
 * and, for a convolution, over space, per channel). wasm first transposes the reduced axes to the
 * end, copying the whole tensor; one JavaScript pass adding each row into per-channel totals is
 * ~3x faster (0.65 against 1.9-2.2 ms for a first conv layer's [64,26,26,16], measured). It adds in doubles, as the cpu backend does.
 */
function sumLeadingAxes(stock: Kernel): Kernel {
  return (args) => {
    const x = args.inputs.x!;
    const { axis, keepDims } = (args.attrs ?? {}) as { axis?: number | number[]; keepDims?: boolean };
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(axis ?? null as unknown as number, x.shape).sort((p, q) => p - q);
    const k = axes.length;
    if (x.dtype !== 'float32' || k === 0 || k === rank || axes.some((a, i) => a !== i)) return stock(args);
    const kept = x.shape.slice(k);
    const C = kept.reduce((p, q) => p * q, 1), rows = x.shape.slice(0, k).reduce((p, q) => p * q, 1);
    const out = zeroedOutput(args.backend, keepDims ? [...axes.map(() => 1), ...kept] : kept, 'sum.out', [x]);
    const xs = inputView(args.backend, x, 'sum.x');
    out.data.set(columnSums(xs, rows, C));
    return out.finish();
  };
}

/**
 * The sums of the columns of a rows x C matrix, in doubles. Rows go in blocks that stay in cache,
 * and each block is summed four columns at a time in local variables: ~4x faster than adding each
 * row into an array of totals (0.6 against 2.4 ms for 43,264 x 16, measured).
 */
function columnSums(xs: Float32Array, rows: number, C: number): Float64Array {
  const acc = new Float64Array(C);
  const blockRows = Math.max(1, Math.floor(4096 / C));
  for (let r0 = 0; r0 < rows; r0 += blockRows) {
    const start = r0 * C, end = Math.min(rows, r0 + blockRows) * C;
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let i = start + c; i < end; i += C) { a0 += xs[i]; a1 += xs[i + 1]; a2 += xs[i + 2]; a3 += xs[i + 3]; }
      acc[c] += a0; acc[c + 1] += a1; acc[c + 2] += a2; acc[c + 3] += a3;
    }
    for (; c < C; c++) {
      let a = 0;
      for (let i = start + c; i < end; i += C) a += xs[i];
      acc[c] += a;
    }
  }
  return acc;
}

/**
 * Identity sharing its input's data, as the cpu backend's Identity and wasm's own Reshape do:
 * tensors never change in place, so a clone needs no copy. wasm copies every byte, and the
 * gradient tape clones every input it keeps for the backward pass: 2-3 ms a step on a small
 * CNN (measured).
 */
function identityShared(stock: Kernel): Kernel {
  return (args) => {
    const x = args.inputs.x!;
    if (x.dtype === 'string') return stock(args);
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

/** Where the im2col product beats the composed kernel's dilated convolution: a first layer's few channels. */
const IM2COL_MAX_CHANNELS = 4;

/**
 * Conv2DBackpropFilter, which wasm lacks and wasm-kernels.ts composes from a dilated convolution
 * (the "stock" kernel here). Our SIMD loop (simd/kernels.wat) packs nothing and takes every
 * float32 NHWC case with output channels a multiple of 4: 7x faster than the composed kernel on
 * [64,28,28,1] into 16 channels and 1.5x on [64,13,13,16] into 32 (0.7 against 5.0 ms and 4.5
 * against 6.6, measured). Otherwise a few input channels take the im2col product (1.5-2x there,
 * 1.5-3x slower from 16 channels up).
 */
function conv2dBackpropFilterFast(stock: Kernel): Kernel {
  return (args) => {
    const a = args.attrs as unknown as ConvAttrs;
    const simd = conv2dFilterGradSimd(args.inputs.x!, args.inputs.dy!, a, args.backend);
    if (simd) return simd;
    if (a.dataFormat !== 'NCHW' && a.filterShape[2] <= IM2COL_MAX_CHANNELS) return conv2dBackpropFilterIm2col(args);
    return stock(args);
  };
}

const FAST_PATHS: [string, (stock: Kernel) => Kernel][] = [
  ['Identity', identityShared],
  ['BatchMatMul', batchMatMulUntransposed],
  ['Conv2DBackpropInput', conv2dBackpropInputAsConv],
  ['Conv2DBackpropFilter', conv2dBackpropFilterFast], // (registered by wasm-kernels.ts first)
  ['MaxPoolGrad', maxPoolGradByWindows],
  ['AvgPoolGrad', avgPoolGradByWindows],
  ['Sum', sumLeadingAxes],
];

/** Each replaced kernel's stock and fast configurations, to switch between them (the benchmark does). */
const swapped = new Map<string, { stock: tf.KernelConfig; fast: tf.KernelConfig }>();

function use(kernelName: string, config: tf.KernelConfig) {
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel(config);
}

/**
 * Replaces wasm's slow kernels with their fast paths, once per process. `TRAINSCOPE_STOCK_WASM=1`
 * keeps tfjs' own kernels.
 */
export function installWasmFastPaths(): string[] {
  if (process.env.TRAINSCOPE_STOCK_WASM === '1') return [];
  for (const [kernelName, fast] of FAST_PATHS) {
    if (swapped.has(kernelName)) continue;
    const stock = tf.getKernel(kernelName, 'wasm');
    if (!stock) continue;
    const fastConfig = { ...stock, kernelFunc: fast(stock.kernelFunc as unknown as Kernel) as unknown as tf.KernelFunc };
    swapped.set(kernelName, { stock, fast: fastConfig });
    use(kernelName, fastConfig);
    installedFastPaths.push(kernelName);
  }
  return installedFastPaths.slice();
}

/** Switches the installed fast paths on or off, for a same-process comparison with tfjs' own kernels. */
export function useWasmFastPaths(on: boolean) {
  for (const [kernelName, configs] of swapped) use(kernelName, on ? configs.fast : configs.stock);
}
