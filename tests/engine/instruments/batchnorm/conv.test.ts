// A real convolutional run with batch norm on MNIST digits (tests/fixtures/batchnorm/conv-bn.json:
// conv (bias) -> BN -> relu, a strided same-padded conv without bias -> BN (epsilon 1e-5) -> relu,
// a leaky_relu conv -> BN) on the cpu backend: per-channel statistics over batch and positions,
// the fold check within 1e-5 through strides and padding, BN after leaky_relu reported as not
// foldable, a wrong fold caught, no tensor leak.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { acts, ofType, payload, spec, trainAll } from '../../../helpers.ts';
import { batchnorm, FOLD_TOLERANCE, type FoldRecord } from '../../../../shared/instruments/batchnorm/definition.ts';
import type { Trainer } from '../../../../main/engine/train/trainer.ts';
import { foldBatchNorm, foldCheck, type FoldInputs } from '../../../../main/engine/instruments/batchnorm/fold.ts';
import { sampleSize } from '../../../../main/engine/data/dataset.ts';
import type { RunEvent } from '../../../../shared/events.ts';
import type { RunSpec } from '../../../../shared/spec.ts';

let s: RunSpec;
let events: RunEvent[];
let trainer: Trainer;
beforeAll(async () => {
  s = spec(JSON.parse(readFileSync(join(__dirname, '../../../fixtures/batchnorm/conv-bn.json'), 'utf8')));
  ({ events, trainer } = await trainAll(s));
});

describe('batchnorm instrument: a conv model', () => {
  it('records per-channel statistics of every BN layer at every collection, over batch and positions', () => {
    const cs = ofType(events, 'collection');
    expect(cs.length).toBeGreaterThan(2);
    for (const c of cs) {
      const p = payload(c, batchnorm);
      expect(p.layers.map((l) => [l.layer, l.input, l.channels, l.runMean.length])).toEqual([['bn1', 'conv1', 6, 6], ['bn2', 'conv2', 8, 8], ['bn3', 'conv3_leaky_relu', 4, 4]]);
      expect(p.layers[1].epsilon).toBeCloseTo(1e-5, 12);
    }
    // the scale before BN is the activations instrument's view of conv1's output
    const last = cs.at(-1)!;
    const conv1 = acts(last).layers.find((l) => l.layer === 'conv1')!;
    expect(payload(last, batchnorm).layers[0].preStd).toBeCloseTo(conv1.std, 5);
    expect(ofType(events, 'warning')).toEqual([]);
  });

  it('folds conv -> BN within 1e-5 at every check (bias, no bias, strides, same padding); BN after leaky_relu is not foldable', () => {
    const f = ofType(events, 'instrument').map((e) => e.payload.data as FoldRecord);
    expect(f.map((d) => d.final)).toEqual([false, false, true]);
    for (const d of f) {
      const [bn1, bn2, bn3] = d.layers;
      expect(bn1).toMatchObject({ into: 'conv1', foldable: true });
      expect(bn2).toMatchObject({ into: 'conv2', foldable: true });
      expect(bn1.maxAbsErr).toBeLessThanOrEqual(FOLD_TOLERANCE);
      expect(bn2.maxAbsErr).toBeLessThanOrEqual(FOLD_TOLERANCE);
      expect(bn3).toMatchObject({ into: 'conv3_leaky_relu', foldable: false });
      expect(bn3.reason).toMatch(/activation.*cannot be folded/);
    }
    const last = f.at(-1)!.layers;
    console.log(`conv fold: bn1 max |err| ${last[0].maxAbsErr.toExponential(2)} (max |out| ${last[0].maxAbsOut.toFixed(3)}), bn2 ${last[1].maxAbsErr.toExponential(2)} (max |out| ${last[1].maxAbsOut.toFixed(3)})`);
  });

  it('leaks no tensor across epochs or checks', async () => {
    const counts = ofType(events, 'epoch').map((e) => e.numTensors);
    expect(new Set(counts).size).toBe(1);
    const v = trainer.data.validation, n = Math.min(s.instruments.probeBatchSize, v.n);
    const probe = tf.tensor(v.x.slice(0, n * sampleSize(v.shape)), [n, ...v.shape]);
    const before = tf.memory().numTensors;
    const right = await foldCheck(trainer.built.model, trainer.built.layers, probe);
    // a wrong fold: conv1's bias forgotten
    const noBias = await foldCheck(trainer.built.model, trainer.built.layers, probe, (w: FoldInputs) => foldBatchNorm({ ...w, bias: null }));
    expect(tf.memory().numTensors).toBe(before);
    probe.dispose();
    expect(right[0].maxAbsErr).toBeLessThanOrEqual(FOLD_TOLERANCE);
    expect(noBias[0].maxAbsErr).toBeGreaterThan(100 * FOLD_TOLERANCE);
    expect(noBias[1].maxAbsErr).toBe(right[1].maxAbsErr); // conv2 has no bias: nothing to forget
  });
});
