// Our WebAssembly SIMD kernels: the committed binary is the .wat source compiled, and the
// kernels run on tfjs' own heap (their results against cpu are in wasm-fast-paths.test.ts, and on
// the threaded build's shared heap in wasm-threads.test.ts).
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { compileKernels } from '../../../scripts/build-wasm-kernels.ts';
import { KERNELS_PLAIN, KERNELS_SHARED } from '../../../main/engine/backends/simd/kernels-binary.ts';
import { simdKernelStatus } from '../../../main/engine/backends/simd/simd-kernels.ts';
import { selectBackend } from '../../../main/engine/backends/select.ts';

describe('SIMD kernels', () => {
  it('the committed binary is kernels.wat compiled (run `npm run wasm-kernels` after editing it)', async () => {
    const built = await compileKernels();
    expect(built.plain).toBe(KERNELS_PLAIN);
    expect(built.shared).toBe(KERNELS_SHARED);
  });

  it('run on the one-thread build\'s heap, and a CNN step through them leaks no tensor', async () => {
    await selectBackend('wasm');
    expect(simdKernelStatus()).toBe('on (one-thread heap)');
    const before = tf.memory().numTensors;
    const grads = tf.tidy(() => {
      const x = tf.randomNormal([4, 12, 12, 4]) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, 4, 8]);
      // a filter gradient (blocked loop) and a 2x2 max-pool gradient, both our SIMD kernels
      const g = tf.grad((v: tf.Tensor) => tf.maxPool(tf.relu(tf.conv2d(x, v as tf.Tensor4D, 1, 'same')), 2, 2, 'valid').sum())(w);
      return g.dataSync().slice();
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(grads.every(Number.isFinite)).toBe(true);
    expect(grads.some((v) => v !== 0)).toBe(true);
  });
});
