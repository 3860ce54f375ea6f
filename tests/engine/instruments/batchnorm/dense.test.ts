// A real run with batch norm (tests/fixtures/batchnorm/dense-bn.json: dense (linear, no bias) ->
// BN -> tanh, dense tanh -> BN, relu, softmax; momentum 0.9) on the cpu backend: payloads at every
// collection, the running statistics catching up with the batch statistics, the fold check at
// every epoch's end and on the final model, no tensor leak; and a model without BN, which costs nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { acts, ofType, payload, spec, tinySpec, trainAll } from '../../../helpers.ts';
import { batchnorm, FOLD_TOLERANCE, foldRecordSchema, type FoldRecord } from '../../../../shared/instruments/batchnorm/definition.ts';
import { Trainer } from '../../../../main/engine/train/trainer.ts';
import { batchnormInstrument } from '../../../../main/engine/instruments/batchnorm/instrument.ts';
import { foldBatchNorm, foldCheck, type FoldInputs } from '../../../../main/engine/instruments/batchnorm/fold.ts';
import { sampleSize } from '../../../../main/engine/data/dataset.ts';
import type { RunEvent } from '../../../../shared/events.ts';
import type { RunSpec } from '../../../../shared/spec.ts';

const fixture = (name: string): RunSpec => spec(JSON.parse(readFileSync(join(__dirname, '../../../fixtures/batchnorm', `${name}.json`), 'utf8')));
const bnOf = (e: Extract<RunEvent, { type: 'collection' | 'init' }>) => payload(e, batchnorm);
// as a reader of the run log sees them: through JSON (NaN written as null) and the record schema
const folds = (events: RunEvent[]) => ofType(events, 'instrument').filter((e) => e.instrument === 'batchnorm').map((e) => ({ e, d: foldRecordSchema.parse(JSON.parse(JSON.stringify(e.payload.data))) as FoldRecord }));

/** The probe batch the run used: the first probeBatchSize validation samples. */
function probeOf(t: Trainer, s: RunSpec): tf.Tensor {
  const v = t.data.validation, n = Math.min(s.instruments.probeBatchSize, v.n);
  return tf.tensor(v.x.slice(0, n * sampleSize(v.shape)), [n, ...v.shape]);
}

let s: RunSpec;
let events: RunEvent[];
let trainer: Trainer;
beforeAll(async () => {
  s = fixture('dense-bn');
  ({ events, trainer } = await trainAll(s));
});

describe('batchnorm instrument: a dense model', () => {
  it('records every BN layer at every collection and at init, each channel of each', () => {
    const cs = ofType(events, 'collection');
    expect(cs.length).toBeGreaterThan(5);
    for (const c of [...cs, ofType(events, 'init')[0]]) {
      const p = bnOf(c);
      expect(p.layers.map((l) => [l.layer, l.input, l.channels])).toEqual([['bn1', 'fc1', 32], ['bn2', 'fc2', 32]]);
      for (const l of p.layers) for (const k of ['runMean', 'runVar', 'batchMean', 'batchVar', 'gamma', 'beta'] as const) expect(l[k]).toHaveLength(32);
    }
    // before any step: moving mean 0, moving variance 1, gamma 1, beta 0
    const init = bnOf(ofType(events, 'init')[0]).layers[0];
    expect([init.runMeanAvg, init.runVarAvg, init.gammaMean, init.gammaStd, init.betaMean]).toEqual([0, 1, 1, 0, 0]);
    expect(ofType(events, 'warning')).toEqual([]);
  });

  it('records each layer\'s own epsilon (1e-3 and 1e-2 in the spec)', () => {
    for (const c of ofType(events, 'collection')) {
      const [l1, l2] = bnOf(c).layers;
      expect(l1.epsilon).toBeCloseTo(1e-3, 10);
      expect(l2.epsilon).toBeCloseTo(1e-2, 10);
    }
  });

  it('the scale before BN is the activations instrument\'s view of the layer feeding it (same probe batch)', () => {
    const c = ofType(events, 'collection').at(-1)!;
    const fc1 = acts(c).layers.find((l) => l.layer === 'fc1')!;
    const bn1 = bnOf(c).layers[0];
    expect(bn1.preMean).toBeCloseTo(fc1.mean, 5);
    expect(bn1.preStd).toBeCloseTo(fc1.std, 5);
  });

  it('with momentum 0.9 the running statistics catch up with the batch statistics as training goes on', () => {
    const cs = ofType(events, 'collection');
    const first = bnOf(cs[0]).layers, last = bnOf(cs.at(-1)!).layers;
    for (let i = 0; i < 2; i++) {
      expect(first[i].meanShift).toBeGreaterThan(1); // at step 0 the running mean is still ~0
      expect(last[i].meanShift).toBeLessThan(first[i].meanShift / 4);
      expect(Math.abs(Math.log(last[i].varRatio))).toBeLessThan(Math.abs(Math.log(first[i].varRatio)) / 2);
    }
  });

  it('checks the fold at every epoch\'s end and on the final model: within 1e-5 after training, and says why BN after tanh cannot be folded', () => {
    const f = folds(events);
    expect(f.map(({ e, d }) => [e.epoch, d.final])).toEqual([[0, false], [1, false], [2, false], [3, false], [3, true]]);
    for (const { d } of f) {
      const [bn1, bn2] = d.layers;
      expect(bn1).toMatchObject({ layer: 'bn1', into: 'fc1', foldable: true });
      expect(bn1.maxAbsErr).toBeLessThanOrEqual(FOLD_TOLERANCE);
      expect(bn1.maxAbsOut).toBeGreaterThan(0.5);
      expect(bn2).toMatchObject({ layer: 'bn2', into: 'fc2', foldable: false });
      expect(bn2.reason).toMatch(/fc2 applies tanh before BN.*cannot be folded/);
      expect(bn2.maxAbsErr).toBeNaN();
    }
  });

  it('leaks no tensor: the count is the same at every epoch with the fold check on', () => {
    const counts = ofType(events, 'epoch').map((e) => e.numTensors);
    expect(counts).toHaveLength(4);
    expect(new Set(counts).size).toBe(1);
  });

  it('a wrong fold is caught (forgetting beta), the right one passes, and neither leaves a tensor behind', async () => {
    const { model, layers } = trainer.built;
    const probe = probeOf(trainer, s);
    const before = tf.memory().numTensors;
    const right = await foldCheck(model, layers, probe);
    const noBeta = await foldCheck(model, layers, probe, (w: FoldInputs) => foldBatchNorm({ ...w, beta: null }));
    const noEps = await foldCheck(model, layers, probe, (w: FoldInputs) => foldBatchNorm({ ...w, epsilon: 0 }));
    expect(tf.memory().numTensors).toBe(before);
    probe.dispose();
    const beta = (await model.getLayer('bn1').weights.find((w) => w.originalName.endsWith('/beta'))!.read().data()) as Float32Array;
    const maxBeta = Math.max(...Array.from(beta, Math.abs));
    expect(maxBeta).toBeGreaterThan(1e-2); // training moved beta: the check has something to catch
    expect(right[0].maxAbsErr).toBeLessThanOrEqual(FOLD_TOLERANCE);
    expect(noBeta[0].maxAbsErr).toBeGreaterThan(100 * FOLD_TOLERANCE);
    expect(noBeta[0].maxAbsErr).toBeCloseTo(maxBeta, 4); // the error is exactly the beta left out
    expect(noEps[0].maxAbsErr).toBeGreaterThan(FOLD_TOLERANCE); // even epsilon matters at this precision
    console.log(`dense fold: max |err| ${right[0].maxAbsErr.toExponential(2)} (max |out| ${right[0].maxAbsOut.toFixed(3)}); without beta ${noBeta[0].maxAbsErr.toExponential(2)}; without eps ${noEps[0].maxAbsErr.toExponential(2)}`);
  });

  it('the statistics worker and the training thread record the same payloads', async () => {
    const inline = new Trainer({ spec: { ...s, training: { ...s.training, epochs: 1 } }, baseDir: '.', backend: 'cpu', offThread: false });
    const got: RunEvent[] = [];
    inline.on((e) => got.push(e));
    await inline.run();
    const a = ofType(got, 'collection').map(bnOf);
    const b = ofType(events, 'collection').slice(0, a.length).map(bnOf);
    expect(a.length).toBeGreaterThan(1);
    expect(a).toEqual(b);
  });
});

describe('batchnorm instrument: a model without BN', () => {
  it('records nothing, runs no fold check, and costs nothing', async () => {
    const plain = tinySpec({ training: { epochs: 2, batchSize: 32 } });
    const { events: ev } = await trainAll(plain);
    const cs = ofType(ev, 'collection');
    expect(cs.length).toBeGreaterThan(2);
    for (const c of cs) expect(Object.keys(c.payloads)).not.toContain('batchnorm');
    expect(Object.keys(ofType(ev, 'init')[0].payloads)).not.toContain('batchnorm');
    expect(ofType(ev, 'instrument')).toEqual([]);
    expect(batchnormInstrument.hook!({ spec: s, built: trainer.built, data: trainer.data } as never, { ...s.instruments.batchnorm, fold: false })).toBeNull();
  });

  it('a diverged run gets no fold check of its final (non-finite) weights', async () => {
    // regression on unscaled inputs at a huge rate: the loss overflows within a few steps
    const wild = spec({
      data: { train: { type: 'csv', path: 'tests/fixtures/diagnosis/regression.csv', label: 'y', task: 'regression' }, normalize: 'none', validation: 0.2 },
      model: { layers: [{ type: 'dense', units: 8, useBias: false }, { type: 'batchnorm' }, { type: 'dense', units: 1 }] },
      training: { epochs: 3, batchSize: 16, loss: 'mse', metrics: ['mae'], optimizer: { type: 'sgd', learningRate: 10 } },
    });
    const { events: ev } = await trainAll(wild);
    expect(ofType(ev, 'run-end')[0].status).toBe('diverged');
    expect(ofType(ev, 'instrument').filter((e) => (e.payload.data as FoldRecord).final)).toEqual([]);
  });
});
