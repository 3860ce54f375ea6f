// The instrumented training loop. A custom loop rather than model.fit, so the gradients are in
// hand: clipping, per-variable statistics and update ratios need them. It costs no more than
// model.fit (measured by `npm run bench`).
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import type { RunSpec } from '../../../shared/spec.ts';
import type { BackendInfo, Metrics, RunEndEvent, RunEvent, RunEventBody } from '../../../shared/events.ts';
import { type BackendChoice, selectBackend } from '../backends/select.ts';
import { prepareData, type Splits } from '../data/load.ts';
import { gatherRows, sampleSize, subset } from '../data/dataset.ts';
import { augmentBatch, isAugmenting } from '../data/augment.ts';
import { buildModel, type BuiltModel } from '../model/build.ts';
import { makeOptimizer, setLearningRate } from '../optim/optimizers.ts';
import { PlateauReducer, scheduledRate } from '../optim/schedules.ts';
import { clipGradients } from '../optim/clip.ts';
import { rng, seedMathRandom, shuffleInPlace } from '../seed.ts';
import { stampEvent } from '../run/run-folder.ts';
import { allWeightsFlat, concatFlat, trackedVariables } from '../instruments/variables.ts';
import type { CollectionContext, CollectionInput } from '../instruments/collection.ts';
import { createReducer, type Reducer } from '../instruments/reducer.ts';
import { globalNorm } from '../optim/clip.ts';
import { correctCount, perSampleLoss } from './loss.ts';
import { evaluate } from './evaluate.ts';
import { EarlyStopping } from './early-stopping.ts';
import { Checkpointer } from './checkpointer.ts';
import { monitored } from './monitor.ts';
import { Diagnoser } from '../diagnosis/diagnoser.ts';
import { ProbePass, activationStats } from '../instruments/activations/collector.ts';
import { expectedInitialLoss } from '../diagnosis/expected-loss.ts';
import { predictSplit, samplesPayload } from '../instruments/predictions/collector.ts';
import { bytesToBase64, f32ToBase64 } from '../../../shared/instruments/predictions.ts';

export interface TrainerOptions {
  spec: RunSpec;
  /** relative data paths in the spec resolve from here (the spec file's folder) */
  baseDir: string;
  backend?: BackendChoice;
  /** collect instruments at all (the benchmark turns them off to measure their cost) */
  instruments?: boolean;
  /** reduce statistics in a worker thread (default); false keeps them on the training thread */
  offThread?: boolean;
}

/** Collections allowed in flight in the worker before the loop waits for the oldest. */
const MAX_IN_FLIGHT = 3;

type Listener = (e: RunEvent) => void;

export class Trainer {
  readonly spec: RunSpec;
  backend!: BackendInfo;
  data!: Splits;
  built!: BuiltModel;
  private listeners: Listener[] = [];
  private paused = false;
  private resumeWaiters: (() => void)[] = [];
  private stopRequested = false;
  private step = 0;

  constructor(private readonly opts: TrainerOptions) {
    this.spec = opts.spec;
  }

  on(listener: Listener) {
    this.listeners.push(listener);
    return this;
  }

  private diagnoser = new Diagnoser((finding) => this.emit({ type: 'finding', finding }));

  private emit(body: RunEventBody) {
    const e = stampEvent(body);
    for (const l of this.listeners) l(e);
    if (e.type !== 'finding') this.diagnoser.ingest(e);
  }

  pause() {
    if (this.paused || this.stopRequested) return;
    this.paused = true;
    this.emit({ type: 'status', status: 'paused', step: this.step });
  }

  resume() {
    if (!this.paused) return;
    this.paused = false;
    this.emit({ type: 'status', status: 'running', step: this.step });
    this.resumeWaiters.splice(0).forEach((r) => r());
  }

  /** Per-sample predictions with the current weights, at the next step boundary ("evaluate now"). */
  requestPredictions() {
    this.predictionsRequested = true;
  }
  private predictionsRequested = false;

  stop() {
    this.stopRequested = true;
    this.resumeWaiters.splice(0).forEach((r) => r());
  }

  /** Loads the backend, the data and the model. Bad input throws an InputError here, before any run folder exists. */
  async prepare(): Promise<void> {
    this.backend = await selectBackend(this.opts.backend ?? 'auto');
    this.data = prepareData(this.spec, this.opts.baseDir);
    this.built = buildModel(this.spec, this.data.info);
  }

  /** Between steps: let the host's messages in, wait while paused. */
  private async control() {
    await new Promise<void>((r) => setImmediate(r));
    while (this.paused && !this.stopRequested) await new Promise<void>((r) => this.resumeWaiters.push(r));
  }

  /** Trains. `target.runDir` is where checkpoints go (the run folder); without it none are written. */
  async run(target: { runDir?: string; runId?: string } = {}): Promise<RunEndEvent> {
    if (!this.built) await this.prepare();
    const { spec } = this;
    const t = spec.training;
    const { model, layers, constraints } = this.built;
    const { train, validation, test } = this.data;
    const restoreRandom = seedMathRandom(spec.seed);
    const rand = rng(spec.seed + 7);
    const optimizer = makeOptimizer(t.optimizer);
    const lr0 = t.optimizer.learningRate;
    const stepsPerEpoch = Math.ceil(train.n / t.batchSize);
    const instrumented = this.opts.instruments !== false;
    const tracked = trackedVariables(model, layers);
    const vars = tracked.map((v) => v.variable);
    const probeSource = validation.n > 0 ? validation : train;
    const probeRows = Array.from({ length: Math.min(spec.instruments.probeBatchSize, probeSource.n) }, (_, i) => i);
    const probeSet = subset(probeSource, probeRows);
    const ctx: CollectionContext = {
      layers, instruments: spec.instruments,
      vars: tracked.map(({ name, layer, size, weightOffset }) => ({ name, layer, size, weightOffset })),
    };
    const probeShape = [probeSet.n, ...probeSet.shape];
    const initial = instrumented ? await this.initialStats(probeSet, probeShape, ctx) : null;
    const { reducer, why } = await createReducer(model, ctx, tf.tensor(probeSet.x, probeShape), this.opts.offThread !== false);
    this.reducer = reducer;
    this.lastCollected = -2;
    const early = t.earlyStopping ? new EarlyStopping(t.earlyStopping) : null;
    const checkpointer = t.checkpoint && target.runDir ? new Checkpointer(t.checkpoint, join(target.runDir, 'checkpoints')) : null;
    const plateau = t.schedule.type === 'reduce_on_plateau' ? new PlateauReducer(t.schedule) : null;
    const clip = t.clip.value !== undefined || t.clip.globalNorm !== undefined ? t.clip : null;
    const augment = isAugmenting(spec.data.augment) ? spec.data.augment : null;
    const size = sampleSize(train.shape);
    const order = Array.from({ length: train.n }, (_, i) => i);

    const started = Date.now();
    let status: RunEndEvent['status'] = 'completed';
    let reason: string | undefined;
    let epochsDone = 0;
    let lastTrain: Metrics | null = null;
    let lastVal: Metrics | null = null;
    let plateauLr = lr0;
    let lr = lr0;

    this.emit({
      type: 'run-start', runId: target.runId ?? `${spec.name}-${started}`, spec, backend: this.backend, data: this.data.info,
      model: { layers, totalParams: this.built.totalParams, trainableParams: this.built.trainableParams },
      stepsPerEpoch, totalSteps: stepsPerEpoch * t.epochs,
    });
    this.emit({ type: 'status', status: 'running', step: 0 });
    if (why) this.emit({ type: 'warning', step: 0, message: why });
    if (initial) this.emit({ type: 'init', ...initial });
    const pred = spec.instruments.predictions;
    const splitData = { validation, test };
    const predicted = new Set<number>(); // epochs whose predictions were emitted
    const emitPredictions = async (epoch: number) => {
      let valMetrics: Metrics | null = null;
      for (const split of pred.splits) {
        const d = splitData[split];
        if (!d.n) continue;
        const r = await predictSplit(model, d, spec, split, epoch);
        if (split === 'validation') valMetrics = r.metrics;
        this.emit({ type: 'predictions', step: this.step, ...r.header, data: f32ToBase64(r.packed) });
      }
      predicted.add(epoch);
      return valMetrics;
    };
    if (instrumented) {
      for (const split of pred.splits) {
        const d = splitData[split];
        if (!d.n) continue;
        const sp = samplesPayload(d);
        this.emit({ type: 'samples', split, n: d.n, shape: d.shape, encoding: sp.encoding, lo: sp.lo, hi: sp.hi, labels: Array.from(d.y), data: bytesToBase64(sp.bytes) });
      }
    }

    try {
      epochs: for (let epoch = 0; epoch < t.epochs; epoch++) {
        const epochStart = Date.now();
        shuffleInPlace(order, rand);
        let lossSum = 0, correct = 0, seen = 0;
        for (let b = 0; b < stepsPerEpoch; b++) {
          await this.control();
          if (this.predictionsRequested) {
            this.predictionsRequested = false;
            if (instrumented) await emitPredictions(epoch);
          }
          if (this.stopRequested) { status = 'stopped'; reason = 'stopped by the user'; break epochs; }
          const count = Math.min(t.batchSize, train.n - b * t.batchSize);
          // Fresh buffers per batch: the cpu backend keeps a reference to the array it is given.
          const xb = new Float32Array(count * size), yb = new Float32Array(count);
          gatherRows(train, order, b * t.batchSize, count, xb, yb);
          if (augment) augmentBatch(xb, count, train.shape, augment, rand);
          lr = plateau ? plateauLr : scheduledRate(t.schedule, lr0, this.step, epoch);
          setLearningRate(optimizer, lr);

          const xs = tf.tensor(xb, [count, ...train.shape]);
          const ys = tf.tensor1d(yb);
          let correctT: tf.Scalar | null = null;
          const lossFn = () => {
            const pred = model.apply(xs, { training: true }) as tf.Tensor2D;
            if (train.classes !== null) correctT = tf.keep(correctCount(ys, pred));
            const dataLoss = tf.mean(perSampleLoss(t.loss, ys, pred, train.classes));
            const reg = model.calculateLosses();
            return (reg.length ? tf.addN([dataLoss, ...reg]) : dataLoss) as tf.Scalar;
          };
          // A fully frozen model (trainable: false everywhere) still runs, and learns nothing.
          const { value, grads } = vars.length ? tf.variableGrads(lossFn, vars) : { value: tf.tidy(lossFn), grads: {} as tf.NamedTensorMap };
          const read = correctT ? tf.stack([value, correctT]) : value;
          const [lossV, correctV = 0] = await read.data();
          const nonFinite = !Number.isFinite(lossV);
          const collect = instrumented && (this.step % spec.instruments.every === 0 || nonFinite);
          const clipped = clip && vars.length ? clipGradients(grads, clip) : null;
          let diverged = false;
          try {
            if (collect) {
              await this.collect(epoch, grads, clipped, optimizer, constraints, nonFinite && t.stopOnNonFinite);
            } else if (!(nonFinite && t.stopOnNonFinite)) {
              this.update(optimizer, clipped ?? grads, constraints);
            }
          } finally {
            tf.dispose([xs, ys, value, read, correctT as tf.Scalar | null].filter((x): x is tf.Tensor => x !== null));
            tf.dispose(Object.values(grads));
            if (clipped) tf.dispose(Object.values(clipped));
          }
          this.emit({ type: 'step', step: this.step, epoch, loss: lossV, lr });
          if (nonFinite) {
            this.emit({ type: 'non-finite', step: this.step, epoch, what: 'loss', value: lossV });
            if (t.stopOnNonFinite) {
              diverged = true;
              status = 'diverged';
              reason = `the loss became ${lossV} at step ${this.step} (epoch ${epoch + 1})`;
            }
          }
          lossSum += lossV * count;
          correct += correctV;
          seen += count;
          this.step++;
          if (diverged) break epochs;
        }
        const durationMs = Date.now() - epochStart;
        const trainMetrics: Metrics = { loss: lossSum / seen };
        if (train.classes !== null && t.metrics.includes('accuracy')) trainMetrics.accuracy = correct / seen;
        lastTrain = trainMetrics;
        // Per-sample predictions at their interval; the validation metrics come from the same pass.
        const predictNow = instrumented && pred.every > 0 && (epoch + 1) % pred.every === 0;
        const fromPredictions = predictNow ? await emitPredictions(epoch) : null;
        const valMetrics = fromPredictions ?? (await evaluate(model, validation, spec));
        lastVal = valMetrics;
        epochsDone = epoch + 1;
        this.emit({
          type: 'epoch', epoch, step: this.step, train: trainMetrics, validation: valMetrics, lr, durationMs,
          samplesPerSec: seen / Math.max(durationMs, 1) * 1000, numTensors: tf.memory().numTensors,
        });
        if (plateau && t.schedule.type === 'reduce_on_plateau') {
          const next = plateau.onEpochEnd(monitored(t.schedule.monitor, trainMetrics, valMetrics), plateauLr);
          if (next !== null) {
            this.emit({ type: 'lr-change', epoch, step: this.step, from: plateauLr, to: next, reason: `${t.schedule.monitor} did not improve for ${t.schedule.patience} epoch(s)` });
            plateauLr = next;
          }
        }
        if (checkpointer) {
          const value = monitored(checkpointer.spec.monitor, trainMetrics, valMetrics);
          const path = await checkpointer.onEpochEnd(value, model);
          if (path) this.emit({ type: 'checkpoint', epoch, step: this.step, path, monitor: checkpointer.spec.monitor, value: value ?? null });
        }
        if (early && early.onEpochEnd(epoch, monitored(early.spec.monitor, trainMetrics, valMetrics), model)) {
          status = 'early-stopped';
          reason = `${early.spec.monitor} did not improve for ${early.spec.patience} epoch(s)`;
          break;
        }
      }
      let restored = false;
      if (early && status !== 'diverged') {
        restored = early.restore(model);
        if (restored) this.lastCollected = -2;
        if (status === 'early-stopped' || restored) {
          this.emit({ type: 'early-stop', epoch: Math.max(0, epochsDone - 1), bestEpoch: early.bestEpoch, bestValue: early.best, monitor: early.spec.monitor, restored });
        }
      }
      await this.drainCollections();
      // The predictions of the weights the run ends with, unless already recorded.
      const finalEpoch = restored ? early!.bestEpoch : epochsDone - 1;
      if (instrumented && status !== 'diverged' && finalEpoch >= 0 && !predicted.has(finalEpoch)) await emitPredictions(finalEpoch);
      const finalVal = restored ? await evaluate(model, validation, spec) : null;
      const testMetrics = status === 'diverged' ? null : await evaluate(model, test, spec);
      if (testMetrics) this.emit({ type: 'test', metrics: testMetrics });
      const end: Omit<RunEndEvent, 'v' | 't'> = {
        type: 'run-end', status, reason, steps: this.step, epochs: epochsDone, durationMs: Date.now() - started,
        final: { train: lastTrain, validation: finalVal ?? lastVal, test: testMetrics },
      };
      this.emit(end);
      return stampEvent(end) as RunEndEvent;
    } catch (e) {
      const end: Omit<RunEndEvent, 'v' | 't'> = {
        type: 'run-end', status: 'failed', reason: (e as Error).message.split('\n')[0], steps: this.step, epochs: epochsDone,
        durationMs: Date.now() - started, final: { train: lastTrain, validation: null, test: null },
      };
      this.emit(end);
      throw e;
    } finally {
      restoreRandom();
      await this.drainCollections().catch(() => undefined);
      await reducer.close();
      early?.dispose();
      optimizer.dispose();
    }
  }

  /** Every layer's output and the loss on the probe batch before the first step: the initialisation checks read them. */
  private async initialStats(probeSet: ReturnType<typeof subset>, shape: number[], ctx: CollectionContext) {
    const x = tf.tensor(probeSet.x, shape);
    const pass = new ProbePass(this.built.model, ctx.layers.map((l) => l.name), x);
    const values = await pass.run();
    pass.dispose();
    const loss = (await evaluate(this.built.model, probeSet, this.spec))?.loss ?? NaN;
    const outUnits = this.built.model.outputs[0].shape[1] as number;
    return {
      activations: activationStats(values, probeSet.n, ctx.layers, this.spec.instruments), loss,
      expectedLoss: expectedInitialLoss(this.spec, probeSet.classes, outUnits),
    };
  }

  private update(optimizer: tf.Optimizer, grads: tf.NamedTensorMap, constraints: BuiltModel['constraints']) {
    if (Object.keys(grads).length) optimizer.applyGradients(grads);
    // tfjs' optimisers write variables directly, bypassing layer constraints: apply max-norm here.
    for (const { variable, constraint } of constraints) {
      tf.tidy(() => variable.assign(constraint.apply(variable)));
    }
  }

  private reducer!: Reducer;
  private inFlight: Promise<void>[] = [];
  private lastCollected = -2;

  /**
   * One collection. The training thread only reads numbers back: the raw gradients before the
   * update, all weights after it (and before it, unless the previous step was collected, whose
   * "after" they are). The probe pass and the reductions happen in the reducer.
   */
  private async collect(
    epoch: number, grads: tf.NamedTensorMap, clipped: tf.NamedTensorMap | null,
    optimizer: tf.Optimizer, constraints: BuiltModel['constraints'], skipUpdate: boolean,
  ) {
    const t0 = performance.now();
    const model = this.built.model;
    const names = model.trainableWeights.map((w) => w.name);
    // Copies: on the cpu backend data() can hand out a variable's own buffer, and these go to a worker.
    const read = async (t: tf.Tensor) => { const v = ((await t.data()) as Float32Array).slice(); t.dispose(); return v; };
    const snapshot = this.lastCollected === this.step - 1 ? null : allWeightsFlat(model);
    const gradValues = await read(concatFlat(names.map((n) => grads[n])));
    const clippedNorm = clipped ? (await read(globalNorm(names.map((n) => clipped[n]))))[0] : null;
    if (!skipUpdate) this.update(optimizer, clipped ?? grads, constraints);
    const input: CollectionInput = {
      step: this.step, epoch, grads: gradValues, clippedNorm,
      weights: await read(allWeightsFlat(model)),
      before: snapshot ? await read(snapshot) : null,
    };
    this.lastCollected = this.step;
    const step = this.step;
    const readMs = performance.now() - t0;
    const inline = this.reducer.readsLiveModel;
    // costMs: what the training thread spent on this collection.
    const job = this.reducer.submit(input).then(
      (out) => this.emit({ type: 'collection', ...out, costMs: inline ? performance.now() - t0 : readMs }),
      (e: Error) => {
        this.emit({ type: 'warning', step, message: `the statistics of step ${step} could not be computed: ${e.message}` });
        this.lastCollected = -2; // the reducer may not hold this step's weights
      },
    );
    if (inline) {
      await job; // it reads the live model: no update may happen before it is done
      return;
    }
    this.inFlight.push(job);
    job.finally(() => { this.inFlight = this.inFlight.filter((j) => j !== job); });
    // Back-pressure: if the worker falls behind, the loop waits rather than queueing without bound.
    if (this.inFlight.length >= MAX_IN_FLIGHT) await this.inFlight[0];
  }

  private async drainCollections() {
    await Promise.all(this.inFlight);
  }
}
