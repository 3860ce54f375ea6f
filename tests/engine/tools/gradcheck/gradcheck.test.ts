// The gradient check: backprop against finite differences on a real model, a wrong gradient caught, the CLI.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { compareGradients, gradcheck } from '../../../../main/engine/tools/gradcheck/gradcheck.ts';
import { spec, useBackend } from '../../../helpers.ts';

const ROOT = join(__dirname, '../../../..');
const deepTanh = spec({
  data: { train: { type: 'synthetic', name: 'spirals', samples: 300, classes: 3 } },
  model: { layers: [...Array.from({ length: 5 }, () => ({ type: 'dense' as const, units: 32, activation: 'tanh' as const })), { type: 'dense', units: 3, activation: 'softmax' }] },
});

describe('gradient check', () => {
  it('backprop matches finite differences on a real model', async () => {
    const r = await gradcheck(deepTanh, '.', { backend: 'cpu' });
    expect(r.passed).toBe(true);
    expect(r.variables.map((v) => v.variable)).toEqual(Array.from({ length: 6 }, (_, i) => [`dense_${i + 1}/kernel`, `dense_${i + 1}/bias`]).flat());
    for (const v of r.variables) expect(v.medianRelError).toBeLessThan(1e-2);
  });

  it('catches a wrong gradient', async () => {
    await useBackend('cpu');
    const w = tf.variable(tf.tensor([0.5, -1, 2]), true, 'gc_w');
    const loss = () => tf.sum(tf.square(w)) as tf.Scalar;
    const right = await compareGradients(loss, [{ name: 'w', variable: w }], () => ({ gc_w: tf.mul(w, 2) }));
    expect(right[0].maxRelError).toBeLessThan(1e-3);
    const wrong = await compareGradients(loss, [{ name: 'w', variable: w }], () => ({ gc_w: tf.mul(w, 3) })); // d/dw w^2 is 2w, not 3w
    expect(wrong[0].medianRelError).toBeCloseTo(0.2, 2); // |3-2| / (3+2)
    expect(Array.from(w.dataSync())).toEqual([0.5, -1, 2]); // the weights are restored
  });

  it('trainscope gradcheck --json: exit 0 and one object per variable', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/trainscope.mjs'), 'gradcheck', join(ROOT, 'assets/specs/spirals-deep-tanh.json'), '--json', '--backend', 'cpu'], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.passed).toBe(true);
    expect(j.variables).toHaveLength(12);
  });
});

