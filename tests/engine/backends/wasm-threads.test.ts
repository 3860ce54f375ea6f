// The threaded wasm build under Node: it starts with one thread per core (TRAINSCOPE_WASM_THREADS
// overrides), trains to the same numbers as the cpu backend, and never keeps a process alive.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../main/engine/backends/select.ts';
import { simdKernelStatus } from '../../../main/engine/backends/simd/simd-kernels.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const cli = join(root, 'bin', 'trainscope.mjs');

/** `trainscope doctor --json` in a fresh process: the wasm section, and how long the process took to end by itself. */
function doctor(env: Record<string, string>) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [cli, 'doctor', '--json'], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  const report = JSON.parse(r.stdout);
  return { wasm: report.wasm, statistics: report.statistics as string, seconds: (Date.now() - t0) / 1000 };
}

describe('threaded wasm', () => {
  it('starts one thread per core but one (up to 4), and the process still ends by itself', () => {
    const { wasm, seconds } = doctor({ TRAINSCOPE_WASM_THREADS: '' });
    const cores = Math.max(1, Math.min(availableParallelism() - 1, 4));
    expect(wasm.threadCount).toBe(cores);
    expect(wasm.threads).toBe(cores > 1);
    expect(wasm.simd).toBe(true);
    expect(wasm.simdKernels).toMatch(cores > 1 ? /^on \(shared heap\)/ : /^on \(one-thread heap\)/);
    expect(doctor({}).statistics).toBe('SIMD kernels');
    expect(seconds).toBeLessThan(50); // (a pool thread holding the event loop would hang until the timeout)
  });

  it('TRAINSCOPE_WASM_THREADS sets the count; 1 is tfjs\' own single-threaded build, and says so', () => {
    const two = doctor({ TRAINSCOPE_WASM_THREADS: '2' });
    expect(two.wasm).toMatchObject({ threadCount: 2, threads: true, simdKernels: 'on (shared heap)' }); // (our kernels on the shared heap)
    expect(two.seconds).toBeLessThan(50); // the pool's threads never hold the process
    expect(doctor({ TRAINSCOPE_WASM_THREADS: '1' }).wasm).toMatchObject({ threadCount: 1, threads: false, threadsReason: 'TRAINSCOPE_WASM_THREADS=1', simdKernels: 'on (one-thread heap)' });
  });

  it('TRAINSCOPE_STOCK_WASM=1 is tfjs\' wasm as shipped: one thread, no fast paths', () => {
    const stock = doctor({ TRAINSCOPE_STOCK_WASM: '1', TRAINSCOPE_JS_STATS: '1' });
    expect(stock.wasm).toMatchObject({ threadCount: 1, fastPaths: [], simdKernels: expect.stringMatching(/^off/) });
    // (the collections' statistics: our SIMD kernels unless switched off)
    expect(stock.statistics).toBe('JavaScript loops (TRAINSCOPE_JS_STATS=1)');
  });

  it('a convolutional training step on the threaded build equals the cpu backend', async () => {
    const step = () => tf.tidy(() => {
      const values = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(seed * 31 + i * 1.7) * 0.5);
      const x = tf.tensor4d(values(8 * 12 * 12 * 3, 1), [8, 12, 12, 3]);
      const k1 = tf.tensor4d(values(3 * 3 * 3 * 8, 2), [3, 3, 3, 8]);
      const k2 = tf.tensor4d(values(3 * 3 * 8 * 16, 3), [3, 3, 8, 16]);
      const w = tf.tensor2d(values(2 * 2 * 16 * 10, 4), [64, 10]);
      const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
        let h = tf.maxPool(tf.relu(tf.conv2d(x, a as tf.Tensor4D, 1, 'valid')), 2, 2, 'valid');
        h = tf.maxPool(tf.relu(tf.conv2d(h, b as tf.Tensor4D, 1, 'same')), 2, 2, 'valid');
        return tf.softmax(tf.matMul(h.reshape([8, 64]), c as tf.Tensor2D)).square().sum();
      };
      return tf.grads(loss)([k1, k2, w]).map((g) => g.dataSync().slice());
    });
    await selectBackend('cpu');
    const ref = step();
    process.env.TRAINSCOPE_WASM_THREADS = '2'; // (the threaded build, whatever this machine's default)
    const info = await selectBackend('wasm');
    delete process.env.TRAINSCOPE_WASM_THREADS;
    expect(info.wasm!.threadCount).toBe(2);
    expect(simdKernelStatus()).toBe('on (shared heap)'); // (the gradients below go through our SIMD kernels)
    const got = step();
    ref.forEach((r, k) => {
      const scale = Math.max(...r.map(Math.abs));
      r.forEach((v, i) => expect(Math.abs(v - got[k][i]) / scale).toBeLessThan(1e-5));
    });
  });
});
