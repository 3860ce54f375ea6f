// Moving kernel data between wasm's heap and JavaScript without garbage. The JavaScript kernels
// (pooling gradients, im2col) ran at a few MB of fresh arrays a step, and the collector then took
// ~9 ms of a 55 ms CNN step (measured with --cpu-prof). Scratch buffers are kept per use and
// reused; loops always run over them (plain, unshared arrays: over the threaded build's
// SharedArrayBuffer heap the same loops ran 3-5x slower).
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs';

type WasmHeap = {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
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

/** A new float32 output of `shape` holding `values` (copied into wasm's heap). */
export function writeOutput(backend: KernelBackend, shape: number[], values: Float32Array): TensorInfo {
  const heap = backend as unknown as WasmHeap;
  const out = heap.makeOutput(shape, 'float32');
  heap.typedArrayFromHeap(out).set(values); // (the view is taken after the allocation, which may grow the heap)
  return out;
}
