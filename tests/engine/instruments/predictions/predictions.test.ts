// Per-sample predictions against a brute-force computation, for multiclass, binary and
// regression tasks; and how a run records them.
import { describe, expect, it } from 'vitest';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { predictSplit, confusionAndMetrics } from '../../../../main/engine/instruments/predictions/evaluate.ts';
import { unpackPredictions } from '../../../../shared/instruments/predictions/packing.ts';
import { base64ToF32 } from '../../../../shared/base64.ts';
import { evaluate } from '../../../../main/engine/train/evaluate.ts';
import { RunWriter, readRun, withData } from '../../../../main/engine/run/run-folder.ts';
import { Trainer } from '../../../../main/engine/train/trainer.ts';
import { ofType, spec, tinySpec, tmp, trainAll } from '../../../helpers.ts';

describe('predictions of a split', () => {
  it('multiclass: every per-sample number and the confusion matrix match brute force', async () => {
    const { trainer } = await trainAll(tinySpec({ training: { epochs: 2 } }));
    const { model } = trainer.built;
    const d = trainer.data.validation;
    const { header, packed, metrics } = await predictSplit(model, d, trainer.spec, 'validation', 1);
    const p = unpackPredictions(packed, header.n, header.k);
    const probs = (model.predict(tf.tensor(d.x, [d.n, ...d.shape])) as tf.Tensor).arraySync() as number[][];
    let correct = 0;
    probs.forEach((row, i) => {
      const order = row.map((v, c) => [v, c]).sort((a, b) => b[0] - a[0]);
      expect(p.predicted[i]).toBe(order[0][1]);
      expect(p.topIndex[0][i]).toBe(order[0][1]);
      expect(p.topIndex[1][i]).toBe(order[1][1]);
      expect(p.topProb[0][i]).toBeCloseTo(order[0][0], 5);
      expect(p.margin[i]).toBeCloseTo(order[0][0] - order[1][0], 5);
      expect(p.pGiven[i]).toBeCloseTo(row[d.y[i]], 5);
      expect(p.loss[i]).toBeCloseTo(-Math.log(Math.min(Math.max(row[d.y[i]], 1e-7), 1 - 1e-7)), 4);
      expect(p.correct[i]).toBe(order[0][1] === d.y[i] ? 1 : 0);
      correct += p.correct[i];
    });
    expect(header.accuracy).toBeCloseTo(correct / d.n, 10);
    expect(header.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(d.n);
    expect(header.confusion!.reduce((a, row, c) => a + row[c], 0)).toBe(correct);
    const ev = (await evaluate(model, d, trainer.spec))!;
    expect(metrics.loss).toBeCloseTo(ev.loss, 5);
    expect(metrics.accuracy).toBeCloseTo(ev.accuracy, 10);
  });

  it('per-class precision, recall and accuracy', () => {
    const { confusion, perClass } = confusionAndMetrics([0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 0, 2], 3);
    expect(confusion).toEqual([[1, 1, 0], [0, 2, 0], [1, 0, 1]]);
    expect(perClass[0]).toEqual({ precision: 0.5, recall: 0.5, accuracy: 4 / 6, support: 2 });
    expect(perClass[1]).toEqual({ precision: 2 / 3, recall: 1, accuracy: 5 / 6, support: 2 });
    expect(perClass[2]).toEqual({ precision: 1, recall: 0.5, accuracy: 5 / 6, support: 2 });
  });

  it('binary (one sigmoid unit): threshold, margin and self-confidence', async () => {
    const s = spec({
      data: { train: { type: 'synthetic', name: 'moons', samples: 300 }, validation: 0.3 },
      model: { layers: [{ type: 'dense', units: 8, activation: 'tanh' }, { type: 'dense', units: 1, activation: 'sigmoid' }] },
      training: { epochs: 2, loss: 'binary_crossentropy' }, instruments: { predictions: { threshold: 0.7 } },
    });
    const { trainer } = await trainAll(s);
    const d = trainer.data.validation;
    const { header, packed } = await predictSplit(trainer.built.model, d, s, 'validation', 1);
    expect(header.task).toBe('binary');
    const p = unpackPredictions(packed, header.n, header.k);
    const out = (trainer.built.model.predict(tf.tensor(d.x, [d.n, 2])) as tf.Tensor).dataSync();
    for (let i = 0; i < d.n; i++) {
      expect(p.predicted[i]).toBe(out[i] > 0.7 ? 1 : 0);
      expect(p.margin[i]).toBeCloseTo(Math.abs(2 * out[i] - 1), 5);
      expect(p.pGiven[i]).toBeCloseTo(d.y[i] === 1 ? out[i] : 1 - out[i], 5);
      // the label-issue blocks: the other class's probability, and never a flag on a sample predicted as labelled (at the threshold, not the argmax)
      expect(p.maxOther![i]).toBeCloseTo(d.y[i] === 1 ? 1 - out[i] : out[i], 5);
      if (p.correct[i]) expect(p.labelIssue![i]).toBe(0);
    }
    expect(header.labelIssues!.flagged).toBe(p.labelIssue!.reduce((a, b) => a + b, 0));
    expect(header.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(d.n);
  });

  it('regression: predictions and residuals instead of classes', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'r.csv'), `a,b,y\n${Array.from({ length: 120 }, (_, i) => `${i % 7},${i % 5},${(i % 7) * 2 - (i % 5)}`).join('\n')}\n`);
    const s = spec({
      data: { train: { type: 'csv', path: join(dir, 'r.csv'), label: 'y', task: 'regression' }, validation: 0.25 },
      model: { layers: [{ type: 'dense', units: 8, activation: 'relu' }, { type: 'dense', units: 1 }] },
      training: { epochs: 2, loss: 'mse', metrics: ['mae'] },
    });
    const { trainer } = await trainAll(s);
    const d = trainer.data.validation;
    const { header, packed, metrics } = await predictSplit(trainer.built.model, d, s, 'validation', 1);
    expect(header).toMatchObject({ task: 'regression', k: 0, classes: 0, accuracy: null, confusion: null });
    const p = unpackPredictions(packed, header.n, 0);
    const out = (trainer.built.model.predict(tf.tensor(d.x, [d.n, 2])) as tf.Tensor).dataSync();
    for (let i = 0; i < d.n; i++) {
      expect(p.predicted[i]).toBeCloseTo(out[i], 5);
      expect(p.margin[i]).toBeCloseTo(out[i] - d.y[i], 4);
    }
    expect(metrics.mae).toBeCloseTo(Array.from(p.margin).reduce((a, b) => a + Math.abs(b), 0) / d.n, 5);
  });
});

describe('predictions in a run', () => {
  it('each epoch records both splits, the run folder keeps them as binary files, and they load back', async () => {
    const dir = tmp();
    const s = tinySpec({ training: { epochs: 3 }, instruments: { predictions: { every: 2 } } });
    const trainer = new Trainer({ spec: s, baseDir: '.', backend: 'cpu' });
    const writer = new RunWriter(dir, s);
    const events: Parameters<Parameters<Trainer['on']>[0]>[0][] = [];
    trainer.on((e) => { writer.write(e); events.push(e); });
    await trainer.run({ runDir: dir });
    writer.close();
    const preds = ofType(events, 'predictions');
    // every 2 epochs: epoch index 1; the final epoch (2) is added at the end
    expect(preds.map((p) => [p.epoch, p.split])).toEqual([[1, 'validation'], [1, 'test'], [2, 'validation'], [2, 'test']]);
    expect(ofType(events, 'samples').map((e) => [e.split, e.n, e.encoding])).toEqual([['validation', 60, 'f32'], ['test', 30, 'f32']]);
    expect(readdirSync(join(dir, 'predictions')).sort()).toEqual(['test-e0001.f32', 'test-e0002.f32', 'validation-e0001.f32', 'validation-e0002.f32']);
    const logged = ofType(readRun(dir).events, 'predictions');
    expect(logged[0].data).toBeUndefined();
    const back = withData(dir, logged[0]);
    expect(Array.from(base64ToF32(back.data!))).toEqual(Array.from(base64ToF32(preds[0].data!)));
    // the epoch's validation metrics came from the same pass as its predictions
    const epochs = ofType(events, 'epoch');
    expect(epochs[1].validation!.loss).toBeCloseTo(preds[0].loss, 6);
  });
});

describe('predictions on demand', () => {
  it('a request to evaluate evaluates at the next step, mid-epoch', async () => {
    const s = tinySpec({ training: { epochs: 2, batchSize: 16 }, instruments: { predictions: { every: 0 } } });
    const trainer = new Trainer({ spec: s, baseDir: '.', backend: 'cpu' });
    const events: Parameters<Parameters<Trainer['on']>[0]>[0][] = [];
    trainer.on((e) => { events.push(e); if (e.type === 'step' && e.step === 3) trainer.request('evaluate'); });
    await trainer.run();
    const preds = ofType(events, 'predictions');
    expect(preds[0]).toMatchObject({ epoch: 0, step: 4, split: 'validation' });
    expect(preds[1]).toMatchObject({ epoch: 0, step: 4, split: 'test' });
    // and the end-of-run predictions for the final weights (every: 0)
    expect(preds.slice(2).map((p) => p.epoch)).toEqual([1, 1]);
  });

  it('an evaluation in the last epoch does not stand in for the final weights\' predictions', async () => {
    const s = tinySpec({ training: { epochs: 2, batchSize: 16 }, instruments: { predictions: { every: 0, splits: ['validation'] } } });
    const trainer = new Trainer({ spec: s, baseDir: '.', backend: 'cpu' });
    const events: Parameters<Parameters<Trainer['on']>[0]>[0][] = [];
    let total = 0;
    trainer.on((e) => {
      events.push(e);
      if (e.type === 'run-start') total = e.totalSteps;
      if (e.type === 'step' && e.step === total - 3) trainer.request('evaluate');
    });
    await trainer.run();
    const preds = ofType(events, 'predictions');
    expect(preds.map((p) => [p.epoch, p.step])).toEqual([[1, total - 2], [1, total]]); // mid-epoch, then the final weights
  });

  it('a request made before the run starts is acted on once it does', async () => {
    const s = tinySpec({ training: { epochs: 1, batchSize: 16 }, instruments: { predictions: { every: 0, splits: ['validation'] } } });
    const trainer = new Trainer({ spec: s, baseDir: '.', backend: 'cpu' });
    await trainer.prepare();
    trainer.request('evaluate');
    const events: Parameters<Parameters<Trainer['on']>[0]>[0][] = [];
    trainer.on((e) => events.push(e));
    await trainer.run();
    expect(ofType(events, 'predictions').map((p) => p.step)[0]).toBe(0);
  });
});
