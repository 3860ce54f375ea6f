// Fast paths for wasm kernels that tfjs 4.22 runs as a scalar loop. Each one rearranges its
// inputs with kernels wasm runs fast, then calls wasm's own fast kernel, so the numbers are the
// same up to float32 rounding (checked against the cpu backend in tests).
//
// BatchMatMul: wasm uses XNNPACK only when neither input is transposed; every dense layer's
// gradient (dW = xᵀ·dy, dx = dy·Wᵀ) asks for a transpose and falls back to a scalar loop. A
// transpose materialised with wasm's Transpose kernel and then the untransposed fast path is
// several times faster (3.4x on a 784-256-128-10 MLP step, measured in the issue).
import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';

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

const FAST_PATHS: [string, (stock: Kernel) => Kernel][] = [
  ['BatchMatMul', batchMatMulUntransposed],
];

/**
 * Replaces wasm's slow kernels with their fast paths, once per process. `TRAINSCOPE_STOCK_WASM=1`
 * keeps tfjs' own kernels (the benchmark measures both in one run).
 */
export function installWasmFastPaths(): string[] {
  if (process.env.TRAINSCOPE_STOCK_WASM === '1') return [];
  for (const [kernelName, fast] of FAST_PATHS) {
    if (installedFastPaths.includes(kernelName)) continue;
    const stock = tf.getKernel(kernelName, 'wasm');
    if (!stock) continue;
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ ...stock, kernelFunc: fast(stock.kernelFunc as unknown as Kernel) as unknown as tf.KernelFunc });
    installedFastPaths.push(kernelName);
  }
  return installedFastPaths.slice();
}
