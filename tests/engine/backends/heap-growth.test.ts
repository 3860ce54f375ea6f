// The JavaScript kernels on wasm's heap, when an input still lives on the cpu backend (a tensor
// made before the switch): moving it in is an allocation that can grow the heap, which detaches
// every view taken before. The output's view was taken first, and its writes were lost (a
// hostile review found it; tfjs' own typedArrayFromHeap then threw on the detached buffer).
// Its own file: a fresh process, so the heap is small enough to grow.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../main/engine/backends/select.ts';

describe('wasm heap growth under a JavaScript kernel', () => {
  it.each(['MaxPoolGrad', 'AvgPoolGrad'])('%s with its inputs made on cpu equals cpu, the heap growing meanwhile', async (kernel) => {
    await selectBackend('cpu');
    const [B, H, W, C] = [16, 128, 128, 16]; // 16 MB of input: more than the heap holds free
    const x = Float32Array.from({ length: B * H * W * C }, (_, i) => Math.sin(i * 0.37));
    const attrs = { filterSize: 3, strides: 2, pad: 'valid' } as const; // (3x3: the JavaScript loop, not the 2x2 SIMD one)
    const info = tf.backend_util.computePool2DInfo([B, H, W, C], 3, 2, 1, 'valid');
    const dyv = Float32Array.from({ length: B * info.outHeight * info.outWidth * C }, (_, i) => Math.cos(i * 0.11));
    const inputsOf = () => {
      const input = tf.tensor4d(x, [B, H, W, C]), dy = tf.tensor4d(dyv, [B, info.outHeight, info.outWidth, C]);
      return kernel === 'MaxPoolGrad' ? { dy, input, output: tf.engine().runKernel('MaxPool', { x: input }, attrs as never) as tf.Tensor } : { dy, input };
    };
    const ref = (tf.engine().runKernel(kernel, inputsOf() as never, attrs as never) as tf.Tensor).dataSync();
    const onCpu = inputsOf();
    await selectBackend('wasm');
    const heap = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength;
    const before = heap();
    const got = (tf.engine().runKernel(kernel, onCpu as never, attrs as never) as tf.Tensor).dataSync();
    expect(heap()).toBeGreaterThan(before); // (the case under test: the heap grew inside the kernel)
    let diff = 0;
    for (let i = 0; i < ref.length; i++) diff = Math.max(diff, Math.abs(ref[i] - got[i]));
    expect(diff).toBeLessThan(1e-4);
    expect(got.some((v) => v !== 0)).toBe(true);
  });
});
