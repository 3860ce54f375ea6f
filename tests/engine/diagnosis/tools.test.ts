// The gradient check and the init explorer.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { compareGradients, gradcheck } from '../../../main/engine/diagnosis/gradcheck.ts';
import { initExplorer } from '../../../main/engine/diagnosis/init-explorer.ts';
import { EXPLORED_INITIALIZERS } from '../../../shared/init-explorer.ts';
import { spec, useBackend } from '../../helpers.ts';

const ROOT = join(__dirname, '../../..');
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

describe('init explorer', () => {
  it('shows each initialiser side by side: N(0,1) saturates deep tanh layers, Glorot and LeCun do not', async () => {
    const r = await initExplorer(deepTanh, '.', { backend: 'cpu', draws: 20 });
    expect(r.initializers.map((i) => i.initializer)).toEqual([...EXPLORED_INITIALIZERS]);
    const by = Object.fromEntries(r.initializers.map((i) => [i.initializer, i.layers]));
    const deep = 4; // dense_5
    expect(by['random_normal(0,1)'][deep].saturatedFrac).toBeGreaterThan(0.5);
    expect(by.glorot_normal[deep].saturatedFrac).toBeLessThan(0.05);
    expect(by.lecun_normal[deep].saturatedFrac).toBeLessThan(0.05);
    for (const i of r.initializers) for (const l of i.layers) expect(l.hist.counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('ReLU layers: He keeps the activation scale, N(0,1) blows it up', async () => {
    const relu = spec({
      data: { train: { type: 'synthetic', name: 'blobs', samples: 200, classes: 3, features: 16 }, normalize: 'standardize' },
      model: { layers: [...Array.from({ length: 4 }, () => ({ type: 'dense' as const, units: 64, activation: 'relu' as const })), { type: 'dense', units: 3, activation: 'softmax' }] },
    });
    const r = await initExplorer(relu, '.', { backend: 'cpu', draws: 10 });
    const by = Object.fromEntries(r.initializers.map((i) => [i.initializer, i.layers]));
    const ratio = (k: string) => by[k][3].std / by[k][0].std;
    expect(ratio('he_normal')).toBeGreaterThan(0.3);
    expect(ratio('he_normal')).toBeLessThan(3);
    expect(ratio('random_normal(0,1)')).toBeGreaterThan(30);
  });
});
