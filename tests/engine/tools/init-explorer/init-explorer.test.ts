// The init explorer: what each initialiser does to a deep network's activations, before training.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { initExplorer } from '../../../../main/engine/tools/init-explorer/init-explorer.ts';
import { EXPLORED_INITIALIZERS } from '../../../../shared/tools/init-explorer/definition.ts';
import { spec, useBackend } from '../../../helpers.ts';

const ROOT = join(__dirname, '../../../..');
const deepTanh = spec({
  data: { train: { type: 'synthetic', name: 'spirals', samples: 300, classes: 3 } },
  model: { layers: [...Array.from({ length: 5 }, () => ({ type: 'dense' as const, units: 32, activation: 'tanh' as const })), { type: 'dense', units: 3, activation: 'softmax' }] },
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
