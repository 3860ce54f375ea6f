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
import { unwrap, wrap, type ConvAttrs } from './wasm-kernels.ts';

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
    if (!transposeA && !transposeB) return stock(args);
    const { backend } = args;
    const a = args.inputs.a!, b = args.inputs.b!;
    const at = transposeA ? swapLastTwo(a, backend) : a;
    const bt = transposeB ? swapLastTwo(b, backend) : b;
    try {
      return stock({ inputs: { a: at, b: bt }, backend, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
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

const FAST_PATHS: [string, (stock: Kernel) => Kernel][] = [
  ['BatchMatMul', batchMatMulUntransposed],
  ['Conv2DBackpropInput', conv2dBackpropInputAsConv],
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
