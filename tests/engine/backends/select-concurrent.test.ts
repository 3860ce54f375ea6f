// Two selections at once in a fresh process (vitest runs each file in its own): tfjs' backend is
// process-wide, and the second setBackend('wasm') used to fail while the first was initialising.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../main/engine/backends/select.ts';

describe('selecting a backend', () => {
  it('twice at once: both get wasm; a refused choice between them does not hold up the next', async () => {
    const [a, refused, b] = await Promise.allSettled([selectBackend('wasm'), selectBackend('no-such' as never), selectBackend('wasm')]);
    expect(a).toMatchObject({ status: 'fulfilled', value: { name: 'wasm', attempts: [{ name: 'wasm', ok: true }] } });
    expect(b).toMatchObject({ status: 'fulfilled', value: { name: 'wasm', attempts: [{ name: 'wasm', ok: true }] } });
    expect(refused.status === 'rejected' && String(refused.reason)).toMatch(/unknown backend "no-such"/);
    expect(tf.getBackend()).toBe('wasm');
  });
});
