// Moving kernel data between wasm's heap and JavaScript without garbage. The JavaScript kernels
// (pooling gradients, im2col) ran at a few MB of fresh arrays a step, and the collector then took
// ~9 ms of a 55 ms CNN step (measured with --cpu-prof). Scratch buffers are kept per use and
// reused; loops always run over them (plain, unshared arrays: over the threaded build's
// SharedArrayBuffer heap the same loops ran 3-5x slower).
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs';

/** The wasm backend's heap methods the JavaScript and SIMD kernels use (tfjs' typings do not list them). */
export type WasmHeap = {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
  /** the heap's record of a tensor; reading one another backend still holds moves it into the heap */
  dataIdMap: { get(id: object): { memoryOffset: number } | undefined };
};

const scratch = new Map<string, Float32Array>();

/** A reusable Float32Array of `n` elements for `use` (its contents are whatever was left: fill it). */
export function scratchBuffer(use: string, n: number): Float32Array {
  let b = scratch.get(use);
  if (!b || b.length < n) {
    b = new Float32Array(n);
    scratch.set(use, b);
  }
  return b.length === n ? b : b.subarray(0, n);
}

/** A float32 kernel input copied into the scratch buffer `use`. */
export function readInput(backend: KernelBackend, info: TensorInfo, use: string): Float32Array {
  const view = (backend as unknown as WasmHeap).typedArrayFromHeap(info);
  const b = scratchBuffer(use, view.length);
  b.set(view);
  return b;
}

/**
 * A float32 input to read from: the heap itself when it is plain memory (one thread), else a copy
 * in the scratch buffer `use` (loops over the threaded build's shared heap run 3-5x slower).
 * Valid until the next allocation in the heap: take outputs first.
 */
export function inputView(backend: KernelBackend, info: TensorInfo, use: string): Float32Array {
  const view = (backend as unknown as WasmHeap).typedArrayFromHeap(info);
  return view.buffer instanceof ArrayBuffer ? view : readInput(backend, info, use);
}

/**
 * A new float32 output of `shape`, zeroed, and the array to fill: the output's own memory on a
 * plain heap, else a scratch buffer that `finish` copies in. Allocate it before taking input views
 * (an allocation may grow the heap, which detaches earlier views). `inputs`: the kernel's inputs,
 * brought into the heap first. An input still held by another backend (a tensor made on cpu) is
 * moved in when first read, and that allocation could grow the heap and detach this output's
 * view: the writes were lost (a hostile review found it). The move goes through the backend's data
 * map: tfjs' own typedArrayFromHeap takes the heap's buffer before it moves the tensor, and then
 * throws on the detached buffer.
 */
export function zeroedOutput(backend: KernelBackend, shape: number[], use: string, inputs: readonly TensorInfo[]): { info: TensorInfo; data: Float32Array; finish(): TensorInfo } {
  const heap = backend as unknown as WasmHeap;
  for (const i of inputs) heap.dataIdMap.get(i.dataId); // (reading its record moves it in)
  const info = heap.makeOutput(shape, 'float32');
  const own = heap.typedArrayFromHeap(info);
  if (own.buffer instanceof ArrayBuffer) return { info, data: own.fill(0), finish: () => info };
  const data = scratchBuffer(use, own.length).fill(0);
  return { info, data, finish: () => { heap.typedArrayFromHeap(info).set(data); return info; } };
}
