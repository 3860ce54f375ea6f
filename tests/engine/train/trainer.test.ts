// End-to-end training through the engine, as the CLI and the app drive it.
import { describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Trainer } from '../../../main/engine/train/trainer.ts';
import { loadModel } from '../../../main/engine/run/model-io.ts';
import { acts, grads, ofType, spec, tinySpec, tmp, trainAll, wts } from '../../helpers.ts';

describe.each(['cpu', 'wasm'] as const)('training on %s', (backend) => {
  it('records statistics for every layer at the expected steps', async () => {
    const s = tinySpec({ training: { epochs: 2, batchSize: 32 }, instruments: { every: 4 } });
    const { events, trainer } = await trainAll(s, backend);
    const start = ofType(events, 'run-start')[0];
    expect(start.backend.name).toBe(backend);
    expect(start.model.layers.map((l) => l.name)).toEqual(['dense_1', 'dense_2', 'dense_3']);
    const steps = ofType(events, 'step');
    expect(steps).toHaveLength(start.totalSteps);
    expect(steps.every((e) => Number.isFinite(e.loss) && e.lr === 0.001)).toBe(true);
    const collections = ofType(events, 'collection');
    expect(collections.map((c) => c.step)).toEqual(steps.map((e) => e.step).filter((st) => st % 4 === 0));
    for (const c of collections) {
      expect(acts(c).layers.map((l) => l.layer)).toEqual(['dense_1', 'dense_2', 'dense_3']);
      expect(grads(c).variables.map((v) => v.variable)).toEqual(['dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias', 'dense_3/kernel', 'dense_3/bias']);
      expect(grads(c).variables.map((v) => v.layer)).toEqual(['dense_1', 'dense_1', 'dense_2', 'dense_2', 'dense_3', 'dense_3']);
      expect(wts(c).variables).toHaveLength(6);
      expect(grads(c).globalNorm).toBeGreaterThan(0);
      expect(grads(c).globalNormClipped).toBe(grads(c).globalNorm);
      for (const w of wts(c).variables) {
        // a zero bias (zero-initialised, or of units that never fired) has no ratio: |W| = 0
        if (w.norm === 0 || (w.variable.endsWith('bias') && c.step === 0)) expect(w.updateRatio === null || w.updateRatio === 0).toBe(true);
        else if (w.variable.endsWith('kernel')) expect(w.updateRatio).toBeGreaterThan(0);
      }
      const relu = acts(c).layers[1];
      expect(relu.unitDead).toHaveLength(8);
      expect(relu.hist.counts.reduce((a, b) => a + b, 0)).toBe(relu.count);
      expect(acts(c).layers[2].mean).toBeCloseTo(1 / 3, 5); // softmax rows sum to 1
    }
    const epochs = ofType(events, 'epoch');
    expect(epochs).toHaveLength(2);
    expect(epochs[1].validation!.loss).toBeLessThan(epochs[0].validation!.loss * 1.2);
    const end = ofType(events, 'run-end')[0];
    expect(end.status).toBe('completed');
    expect(end.final.test!.loss).toBeGreaterThan(0);
    expect(end.final.test!.accuracy).toBeGreaterThanOrEqual(0);
    expect(end.final.test!.accuracy).toBeLessThanOrEqual(1);
  });

  it('learns a separable problem well', async () => {
    const s = tinySpec({ training: { epochs: 15, batchSize: 16, optimizer: { type: 'adam', learningRate: 0.01 } }, instruments: { every: 50 } });
    const { events } = await trainAll(s, backend);
    expect(ofType(events, 'run-end')[0].final.test!.accuracy).toBeGreaterThanOrEqual(0.9);
  });
});

describe('training loop behaviour (cpu)', () => {
  it('leaks no tensors from epoch to epoch, and none after the run', async () => {
    await tf.setBackend('cpu');
    const s = tinySpec({
      training: { epochs: 5, batchSize: 32, clip: { globalNorm: 1, value: 0.5 }, schedule: { type: 'exponential', decaySteps: 10, decayRate: 0.9 }, earlyStopping: { patience: 10 } },
      model: { layers: [{ type: 'dense', units: 8, activation: 'leaky_relu', maxNorm: 2, kernelRegularizer: { l1: 0, l2: 1e-3 } }, { type: 'batchnorm' }, { type: 'dropout', rate: 0.2 }, { type: 'dense', units: 3, activation: 'softmax' }] },
      instruments: { every: 3 },
    });
    const trainer = new Trainer({ spec: s, baseDir: '.', backend: 'cpu' });
    await trainer.prepare();
    const baseline = tf.memory().numTensors;
    const counts: number[] = [];
    trainer.on((e) => { if (e.type === 'epoch') counts.push(e.numTensors); });
    await trainer.run();
    expect(new Set(counts.slice(1)).size).toBe(1); // after the first epoch (optimizer slots), constant
    trainer.built.model.dispose();
    expect(tf.memory().numTensors).toBeLessThanOrEqual(baseline - trainer.built.model.weights.length + 0);
  });

  it.each(['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'nadam', 'adamax'] as const)('the %s optimiser releases every tensor it made', async (type) => {
    await tf.setBackend('cpu');
    const trainer = new Trainer({ spec: tinySpec({ training: { epochs: 1, batchSize: 64, optimizer: { type } }, instruments: { every: 50 } }), baseDir: '.', backend: 'cpu' });
    await trainer.prepare();
    const baseline = tf.memory().numTensors;
    await trainer.run();
    expect(tf.memory().numTensors).toBe(baseline);
    trainer.built.model.dispose();
  });

  it('clipping caps the global norm actually applied', async () => {
    const s = tinySpec({ training: { epochs: 1, clip: { globalNorm: 0.01 } }, instruments: { every: 1 } });
    const { events } = await trainAll(s);
    for (const c of ofType(events, 'collection')) {
      expect(grads(c).globalNorm).toBeGreaterThan(0.01);
      expect(grads(c).globalNormClipped).toBeCloseTo(0.01, 5);
    }
  });

  it('a seed repeats a run exactly, dropout included', async () => {
    const s = tinySpec({ model: { layers: [{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dropout', rate: 0.5 }, { type: 'dense', units: 3, activation: 'softmax' }] }, training: { epochs: 2 } });
    const a = ofType((await trainAll(s)).events, 'step').map((e) => e.loss);
    const b = ofType((await trainAll(s)).events, 'step').map((e) => e.loss);
    expect(b).toEqual(a);
    const c = ofType((await trainAll({ ...s, seed: 99 })).events, 'step').map((e) => e.loss);
    expect(c).not.toEqual(a);
  });

  it('max-norm keeps every unit\'s incoming weights within the limit', async () => {
    const s = tinySpec({ model: { layers: [{ type: 'dense', units: 8, activation: 'relu', maxNorm: 0.5, kernelInitializer: { type: 'random_normal', stddev: 1 } }, { type: 'dense', units: 3, activation: 'softmax' }] }, training: { epochs: 1 } });
    const { trainer } = await trainAll(s);
    const norms = tf.tidy(() => tf.sqrt(tf.sum(tf.square(trainer.built.model.layers[1].getWeights()[0]), 0)).dataSync());
    for (const n of norms) expect(n).toBeLessThanOrEqual(0.5 + 1e-5);
  });

  it('early stopping restores the best weights', async () => {
    // A learning rate far too high makes validation loss wander, so the last epoch is rarely the best.
    const s = tinySpec({ training: { epochs: 12, batchSize: 16, optimizer: { type: 'sgd', learningRate: 2 }, earlyStopping: { monitor: 'val_loss', patience: 3, restoreBestWeights: true } } });
    const { events } = await trainAll(s);
    const epochs = ofType(events, 'epoch');
    const stop = ofType(events, 'early-stop')[0];
    const best = Math.min(...epochs.map((e) => e.validation!.loss));
    expect(stop.restored).toBe(true);
    expect(stop.bestValue).toBeCloseTo(best, 6);
    expect(epochs[stop.bestEpoch].validation!.loss).toBeCloseTo(best, 6);
    // the run's final validation loss is measured after the restore: it is the best epoch's
    expect(ofType(events, 'run-end')[0].final.validation!.loss).toBeCloseTo(best, 5);
  });

  it('the checkpoint of the best model loads back and predicts the same', async () => {
    const dir = tmp();
    const s = tinySpec({ training: { epochs: 3, checkpoint: { monitor: 'val_loss', saveBestOnly: false } } });
    const { trainer, events } = await trainAll(s, 'cpu', dir);
    const cps = ofType(events, 'checkpoint');
    expect(cps).toHaveLength(3);
    expect(existsSync(join(dir, 'checkpoints', 'latest', 'model.json'))).toBe(true);
    const loaded = await loadModel(join(dir, 'checkpoints', 'latest'));
    const x = tf.randomNormal([5, 4], 0, 1, 'float32', 1);
    const a = (trainer.built.model.predict(x) as tf.Tensor).dataSync();
    const b = (loaded.predict(x) as tf.Tensor).dataSync();
    Array.from(a).forEach((v, i) => expect(b[i]).toBeCloseTo(v, 6));
  });

  it('a NaN loss ends the run as diverged, with the step and a collection where it happened', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'reg.csv'), `a,b,y\n${Array.from({ length: 64 }, (_, i) => `${i},${i * 2},${i * 3}`).join('\n')}\n`);
    const s2 = spec({
      data: { train: { type: 'csv', path: join(dir, 'reg.csv'), label: 'y', task: 'regression' }, normalize: 'none' },
      model: { layers: [{ type: 'dense', units: 8 }, { type: 'dense', units: 1 }] },
      training: { epochs: 50, batchSize: 16, loss: 'mse', metrics: ['mae'], optimizer: { type: 'sgd', learningRate: 0.1 } },
      instruments: { every: 1000 },
    });
    const r = await trainAll(s2);
    const end = ofType(r.events, 'run-end')[0];
    const nf = ofType(r.events, 'non-finite');
    expect(end.status).toBe('diverged');
    expect(nf).toHaveLength(1);
    expect(end.reason).toContain(`at step ${nf[0].step}`);
    const col = ofType(r.events, 'collection').find((c) => c.step === nf[0].step);
    expect(col).toBeDefined();
  });

  it('pauses, resumes and stops between steps', async () => {
    const s = tinySpec({ training: { epochs: 50, batchSize: 8 } });
    const trainer = new Trainer({ spec: s, baseDir: '.', backend: 'cpu' });
    const statuses: string[] = [];
    let steps = 0;
    trainer.on((e) => {
      if (e.type === 'status') statuses.push(e.status);
      if (e.type === 'step' && ++steps === 5) {
        trainer.pause();
        setTimeout(() => { expect(steps).toBe(5); trainer.resume(); }, 100);
      }
      if (e.type === 'step' && steps === 20) trainer.stop();
    });
    const end = await trainer.run();
    expect(statuses).toEqual(['running', 'paused', 'running']);
    expect(end.status).toBe('stopped');
    expect(end.steps).toBe(20);
  });

  it('reduce-on-plateau lowers the learning rate and says why', async () => {
    const s = tinySpec({ training: { epochs: 6, optimizer: { type: 'sgd', learningRate: 5 }, schedule: { type: 'reduce_on_plateau', monitor: 'loss', patience: 0, minDelta: 10, factor: 0.5 } } });
    const { events } = await trainAll(s);
    const changes = ofType(events, 'lr-change');
    expect(changes.length).toBeGreaterThan(0);
    expect(changes[0]).toMatchObject({ from: 5, to: 2.5 });
    const lastStep = ofType(events, 'step').at(-1)!;
    expect(lastStep.lr).toBeLessThan(5);
  });

  it('refuses a model that does not fit the data, naming the layer', async () => {
    const bad = spec({ data: { train: { type: 'synthetic', name: 'blobs', classes: 4 } }, model: { layers: [{ type: 'dense', units: 3, activation: 'softmax' }] } });
    await expect(new Trainer({ spec: bad, baseDir: '.', backend: 'cpu' }).prepare()).rejects.toThrow(/model\.layers\[0\]\.units: the output has 3 units but the data has 4 classes/);
    const conv = spec({ data: { train: { type: 'synthetic', name: 'moons' } }, model: { layers: [{ type: 'conv2d', filters: 2 }, { type: 'dense', units: 2 }] } });
    await expect(new Trainer({ spec: conv, baseDir: '.', backend: 'cpu' }).prepare()).rejects.toThrow(/model\.layers\[0\]: does not fit its input \[2\]/);
  });
});
