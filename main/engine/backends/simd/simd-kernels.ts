// Our WebAssembly SIMD kernels (kernels.wat), instantiated on the wasm backend's own memory so
// they read and write tensors where tfjs keeps them: no copies in or out.
import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs';
import { KERNELS_PLAIN, KERNELS_SHARED } from './kernels-binary.ts';
import type { ConvAttrs } from '../wasm-kernels.ts';
import type { WasmHeap } from '../wasm-heap.ts';

type FilterGrad = (x: number, dy: number, dw: number, B: number, H: number, W: number, C: number,
  OH: number, OW: number, O: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number) => void;
type Exports = {
  conv2d_filter_grad: FilterGrad; conv2d_filter_grad_c4o8: FilterGrad;
  max_pool_grad_2x2(x: number, dy: number, dx: number, B: number, H: number, W: number, C: number, OH: number, OW: number): void;
  matmul(a: number, b: number, c: number, M: number, K: number, N: number): void;
};

/** What tfjs' WasmBackend keeps per tensor (its typings do not say), besides its heap methods. */
type WasmBackendInternals = WasmHeap & {
  /** the Emscripten module: the one-thread build exports its memory, the threaded one is given it (wasm-threads.ts) */
  wasm?: { asm?: { memory?: WebAssembly.Memory }; wasmMemory?: WebAssembly.Memory };
};

let bound: { memory: WebAssembly.Memory; kernels: Exports | null; why?: string } | null = null;

/** The kernels bound to this backend's heap, or null where they cannot be (no SIMD, no memory). */
export function simdKernels(backend: KernelBackend): Exports | null {
  const module = (backend as unknown as WasmBackendInternals).wasm;
  const memory = module?.asm?.memory ?? module?.wasmMemory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  if (bound?.memory === memory) return bound.kernels;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  try {
    const module = new WebAssembly.Module(Buffer.from(shared ? KERNELS_SHARED : KERNELS_PLAIN, 'base64'));
    bound = { memory, kernels: new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Exports };
  } catch (e) {
    // (a runtime without WebAssembly SIMD: the JavaScript and composed kernels stand in)
    bound = { memory, kernels: null, why: (e as Error).message.split('\n')[0] };
  }
  return bound.kernels;
}

/** For `trainscope doctor`: whether the SIMD kernels run on the loaded wasm backend, and on which heap. */
export function simdKernelStatus(): string {
  const backend = tf.findBackend('wasm');
  if (!backend) return 'off: the wasm backend is not loaded';
  const kernels = simdKernels(backend);
  if (!kernels) return `off: ${bound?.why ?? 'the wasm backend exposes no memory'}`;
  return `on (${bound!.memory.buffer instanceof ArrayBuffer ? 'one-thread' : 'shared'} heap)`;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

const offsetOf = (backend: KernelBackend, t: TensorInfo) => (backend as unknown as WasmBackendInternals).dataIdMap.get(t.dataId)!.memoryOffset;

/**
 * Conv2DBackpropFilter in one SIMD pass (kernels.wat), or null where it does not apply: channels
 * first, other dtypes, or output channels not a multiple of 4 (the composed kernels take those).
 */
export function conv2dFilterGradSimd(x: TensorInfo, dy: TensorInfo, a: ConvAttrs, backend: KernelBackend): TensorInfo | null {
  const [, , , O] = a.filterShape;
  if (a.dataFormat === 'NCHW' || x.dtype !== 'float32' || dy.dtype !== 'float32' || O % 4 !== 0) return null;
  const kernels = simdKernels(backend);
  if (!kernels) return null;
  const [B, H, W, C] = x.shape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo([B, H, W, C], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
  // dy is walked with the geometry above: it must have exactly that shape. (tfjs' conv2d gradient
  // drops dimRoundingMode, so a 'ceil' convolution hands over a larger dy: the composed kernel.)
  if (!sameShape(dy.shape, [B, info.outHeight, info.outWidth, O])) return null;
  const heap = backend as unknown as WasmBackendInternals;
  const out = heap.makeOutput(a.filterShape, 'float32');
  // (the blocked loop adds each image's sums into a zeroed result; it needs 4-channel loads and 8-wide tiles)
  const blocked = C % 4 === 0 && O % 8 === 0;
  if (blocked) heap.typedArrayFromHeap(out).fill(0);
  (blocked ? kernels.conv2d_filter_grad_c4o8 : kernels.conv2d_filter_grad)(
    offsetOf(backend, x), offsetOf(backend, dy), offsetOf(backend, out), B, H, W, C, info.outHeight, info.outWidth, O,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left,
  );
  return out;
}

/** A pooling's window, stride and padding, as the pooling kernels receive them. */
export type PoolAttrs = {
  filterSize: number | [number, number]; strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding; dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

/**
 * MaxPoolGrad by the SIMD loop (kernels.wat) for the common pooling: 2x2 windows at stride 2 that
 * start at the first row and column, float32, channels a multiple of 4. Else null.
 */
export function maxPoolGrad2x2Simd(x: TensorInfo, dy: TensorInfo, a: PoolAttrs, backend: KernelBackend): TensorInfo | null {
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') return null;
  const [B, H, W, C] = x.shape as [number, number, number, number];
  const info = tf.backend_util.computePool2DInfo([B, H, W, C], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  const windows2x2 = info.filterHeight === 2 && info.filterWidth === 2 && info.strideHeight === 2 && info.strideWidth === 2;
  const inside = info.padInfo.top === 0 && info.padInfo.left === 0 && info.outHeight === Math.floor(H / 2) && info.outWidth === Math.floor(W / 2);
  // (C = 0 too: the loop over channels counts down by 4 to exactly 0; dy must fit the geometry)
  if (!windows2x2 || !inside || C === 0 || C % 4 !== 0 || !sameShape(dy.shape, [B, info.outHeight, info.outWidth, C])) return null;
  const kernels = simdKernels(backend);
  if (!kernels) return null;
  const heap = backend as unknown as WasmBackendInternals;
  const out = heap.makeOutput([B, H, W, C], 'float32');
  if (H % 2 || W % 2) heap.typedArrayFromHeap(out).fill(0); // (the last row or column no window covers)
  kernels.max_pool_grad_2x2(offsetOf(backend, x), offsetOf(backend, dy), offsetOf(backend, out), B, H, W, C, info.outHeight, info.outWidth);
  return out;
}

/** Second operands our product has already taken once: XNNPACK gets them from then on (see below). */
const seenAsB = new WeakSet<object>();

/**
 * A product A[M, K] . B[K, N] (batch 1, untransposed, float32) by the SIMD loop, or null for the
 * stock kernel. XNNPACK packs B before multiplying (~9 ns an element) and keeps the packed copy for
 * as long as B lives: worth it for a B used many times (an evaluation pass over many batches),
 * not for a training step's weights, which are new every step. So a B goes to the SIMD loop the
 * first time it is seen, and to XNNPACK, packed once and then reused, from the second time on.
 * Shapes: M a multiple of 4 and N of 8 (a batch of 64 into 256 or 128 units), else stock.
 */
export function matMulSimd(a: TensorInfo, b: TensorInfo, backend: KernelBackend): TensorInfo | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  const outer = [...a.shape.slice(0, -2), ...b.shape.slice(0, -2)];
  if (outer.some((d) => d !== 1)) return null;
  const [M, K] = a.shape.slice(-2), [K2, N] = b.shape.slice(-2);
  if (K !== K2 || M % 4 !== 0 || N % 8 !== 0 || K === 0 || M === 0 || N === 0) return null;
  if (seenAsB.has(b.dataId)) return null;
  const kernels = simdKernels(backend);
  if (!kernels) return null;
  seenAsB.add(b.dataId);
  const rank = Math.max(a.shape.length, b.shape.length);
  const out = (backend as unknown as WasmBackendInternals).makeOutput([...Array(rank - 2).fill(1), M, N], 'float32');
  kernels.matmul(offsetOf(backend, a), offsetOf(backend, b), offsetOf(backend, out), M, K, N);
  return out;
}
