// The instrumented training loop. A custom loop rather than model.fit, so the gradients are in
// hand: clipping, per-variable statistics and update ratios need them. It costs no more than
// model.fit (measured by `npm run bench`). The loop owns the step; everything else (collection,
// the instruments' hooks, diagnosis, early stopping, checkpoints, the plateau scheduler) is a
// training hook, called in that order (hooks.ts).
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import type { RunSpec } from '../../../shared/spec.ts';
import type { BackendInfo, Metrics, RunEndEvent, RunEvent, RunEventBody } from '../../../shared/events.ts';
import type { StartPhase } from '../../../shared/host.ts';
import { type BackendChoice, selectBackend } from '../backends/select.ts';
import { prepareData, type Splits } from '../data/load.ts';
import { auditSplits } from '../data/audit-splits.ts';
import { isAugmenting } from '../data/augment.ts';
import { trainingBatch } from '../data/batches.ts';
import { buildModel, type BuiltModel } from '../model/build.ts';
import { disposeOptimizer, makeOptimizer, setLearningRate } from '../optim/optimizers.ts';
import { createSchedule, type Schedule } from '../optim/schedules.ts';
import { rng, seedMathRandom, shuffleInPlace } from '../seed.ts';
import { CHECKPOINT_DIR, FINAL_CHECKPOINT, stampEvent } from '../run/run-folder.ts';
import { evaluate } from './evaluate.ts';
import { earlyStoppingHook } from './early-stopping.ts';
import { checkpointHook } from './checkpointer.ts';
import { saveModel } from '../run/model-io.ts';
import { resolveImport } from '../model-io/resolve-import.ts';
import { InputError } from '../errors.ts';
import { loadedNote, loadWeights } from '../model-io/load-weights.ts';
import { HookList, type HookContext, type TrainEnd, type TrainingHook } from './hooks.ts';
import { applyUpdate, computeStep, disposeStep } from './step.ts';
import { readScalars } from './readback.ts';
import { diagnosisHook } from '../diagnosis/hook.ts';
import { collectionHook } from '../instruments/framework/collection-hook.ts';
import { ENGINE_INSTRUMENTS } from '../instruments/registry.ts';
import { activeInstruments } from '../instruments/framework/instrument.ts';
import { probeSet, reduceContext } from '../instruments/framework/context.ts';

export interface TrainerOptions {
  spec: RunSpec;
  /** relative data paths in the spec resolve from here (the spec file's folder) */
  baseDir: string;
  backend?: BackendChoice;
  /** a host's own folders for named datasets (the desktop app: <userData>/data), searched after TRAINSCOPE_DATA and before ~/.trainscope/data */
  dataDirs?: readonly string[];
  /** collect instruments at all (the benchmark turns them off to measure their cost) */
  instruments?: boolean;
  /** reduce statistics in a worker thread (default); false keeps them on the training thread */
  offThread?: boolean;
  /** awaited before each step: the host's channel catching up (a large message still leaving the process) */
  beforeStep?: () => Promise<void>;
  /** splits already loaded (the data audit trains on folds of one loaded training split): used instead of loading the spec's data */
  data?: Splits;
  /** awaited as each step of getting ready begins (the app shows them between Start and the first event) */
  onPhase?: (phase: StartPhase) => Promise<void> | void;
}

type Listener = (e: RunEvent) => void;

export class Trainer {
  /** the spec as given, until prepare() resolves an imported model into plain layers */
  spec: RunSpec;
  backend!: BackendInfo;
  data!: Splits;
  built!: BuiltModel;
  private listeners: Listener[] = [];
  private paused = false;
  private resumeWaiters: (() => void)[] = [];
  private stopRequested = false;
  private stopAsked: { status: 'early-stopped' | 'diverged'; reason: string } | null = null;
  private step = 0;
  private hooks = new HookList([]);

  constructor(private readonly opts: TrainerOptions) {
    this.spec = opts.spec;
  }

  on(listener: Listener) {
    this.listeners.push(listener);
    return this;
  }

  /** the next event's index in this run's stream (see `i` in shared/events.ts) */
  private index = 0;

  private emit(body: RunEventBody) {
    const e: RunEvent = { ...stampEvent(body), i: this.index++ };
    for (const l of this.listeners) l(e);
    this.hooks.event(e);
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

  /** A request for the hooks, acted on at the next step ('evaluate': per-sample predictions with the current weights). */
  request(name: string) {
    if (this.running) this.hooks.request(name);
    else this.pendingRequests.push(name); // before the run's hooks exist: they get it when they do
  }
  private pendingRequests: string[] = [];
  private running = false;

  stop() {
    this.stopRequested = true;
    this.resumeWaiters.splice(0).forEach((r) => r());
  }

  /** Loads the backend, the data and the model. Bad input throws an InputError here, before any run folder exists. */
  async prepare(): Promise<void> {
    await this.opts.onPhase?.('backend');
    this.backend = await selectBackend(this.opts.backend ?? 'auto');
    await this.opts.onPhase?.('data');
    this.data = this.opts.data ?? prepareData(this.spec, this.opts.baseDir, { hostDirs: this.opts.dataDirs });
    this.data.info.audit ??= auditSplits(this.data);
    await this.opts.onPhase?.('model');
    // an imported model becomes plain layers here, before anything reads the spec's model
    const imported = await resolveImport(this.spec, this.opts.baseDir, this.data.info.inputShape);
    this.spec = imported.spec;
    this.built = buildModel(this.spec, this.data.info);
    this.notes = imported.notes;
    if (imported.weights) {
      const loaded = loadWeights(this.built.model, imported.weights);
      // the file's own layers, unedited, must take its weights: one that does not means the model here is not the file's
      const missed = loaded.fresh.find((f) => imported.required.includes(f.layer));
      if (missed) throw new InputError('model.import', `${this.spec.model.import}: layer "${missed.layer}" cannot take the file's weights (${missed.why})`);
      this.pretrained = loaded.loaded;
      this.notes.push(loadedNote(this.spec.model.import!, loaded));
    }
  }
  /** what the run tells its user about how it was set up (an imported model's weights), as warnings after its start */
  private notes: string[] = [];
  /** layers whose weights came from an imported file (run-start's model.pretrained) */
  private pretrained: string[] = [];

  /** Between steps: let the host's messages in, wait while paused. */
  private async control() {
    await new Promise<void>((r) => setImmediate(r));
    await this.opts.beforeStep?.();
    while (this.paused && !this.stopRequested) await new Promise<void>((r) => this.resumeWaiters.push(r));
  }

  /** The run's hooks, in their fixed order. */
  private hooksFor(ctx: HookContext, schedule: Schedule): TrainingHook[] {
    const { spec } = this;
    const hooks: (TrainingHook | null)[] = [];
    if (this.opts.instruments !== false) {
      const active = activeInstruments(ENGINE_INSTRUMENTS, ctx.described);
      hooks.push(collectionHook(ctx, active, this.opts.offThread !== false));
      for (const i of active) hooks.push(i.hook?.(ctx, spec.instruments[i.definition.id as keyof RunSpec['instruments']] as never) ?? null);
    }
    hooks.push(diagnosisHook(ctx));
    if (spec.training.earlyStopping) hooks.push(earlyStoppingHook(spec.training.earlyStopping, ctx));
    if (spec.training.checkpoint) hooks.push(checkpointHook(spec.training.checkpoint, ctx));
    hooks.push(schedule.hook);
    return hooks.filter((h): h is TrainingHook => h !== null);
  }

  /** Trains. `target.runDir` is where checkpoints go (the run folder); without it none are written. */
  async run(target: { runDir?: string; runId?: string } = {}): Promise<RunEndEvent> {
    if (!this.built) await this.prepare();
    const { spec } = this;
    const t = spec.training;
    const { model, constraints } = this.built;
    const { train, validation, test } = this.data;
    const restoreRandom = seedMathRandom(spec.seed);
    const rand = rng(spec.seed + 7);
    const optimizer = makeOptimizer(t.optimizer);
    const stepsPerEpoch = Math.ceil(train.n / t.batchSize);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const self = this;
    const ctx: HookContext = {
      spec, built: this.built, data: this.data, runDir: target.runDir,
      probe: probeSet(this.data, spec.instruments.probeBatchSize),
      described: reduceContext(model, this.built.layers, spec.instruments),
      get step() { return self.step; },
      emit: (body) => this.emit(body),
      requestStop: (status, reason) => { this.stopAsked = { status, reason }; },
    };
    const schedule = createSchedule(t.schedule, t.optimizer.learningRate, ctx);
    this.hooks = new HookList(this.hooksFor(ctx, schedule));
    const hooks = this.hooks;
    this.running = true;
    for (const r of this.pendingRequests.splice(0)) hooks.request(r);
    const augment = isAugmenting(spec.data.augment) ? spec.data.augment : null;
    const order = Array.from({ length: train.n }, (_, i) => i);

    const started = Date.now();
    let status: RunEndEvent['status'] = 'completed';
    let reason: string | undefined;
    let epochsDone = 0;
    let lastTrain: Metrics | null = null;
    let lastVal: Metrics | null = null;
    let lr = t.optimizer.learningRate;

    this.emit({
      type: 'run-start', runId: target.runId ?? `${spec.name}-${started}`, spec, backend: this.backend, data: this.data.info,
      model: { layers: this.built.layers, totalParams: this.built.totalParams, trainableParams: this.built.trainableParams, ...(this.pretrained.length ? { pretrained: this.pretrained } : {}) },
      stepsPerEpoch, totalSteps: stepsPerEpoch * t.epochs,
    });
    this.emit({ type: 'status', status: 'running', step: 0 });
    for (const message of this.notes) this.emit({ type: 'warning', step: 0, message });

    try {
      await hooks.call('onTrainBegin');
      epochs: for (let epoch = 0; epoch < t.epochs; epoch++) {
        await hooks.call('onEpochBegin', epoch);
        const epochStart = Date.now();
        shuffleInPlace(order, rand);
        let lossSum = 0, correct = 0, seen = 0;
        for (let b = 0; b < stepsPerEpoch; b++) {
          await this.control();
          await hooks.call('onBatchBegin', this.step, epoch);
          if (this.stopRequested) { status = 'stopped'; reason = 'stopped by the user'; break epochs; }
          const count = Math.min(t.batchSize, train.n - b * t.batchSize);
          lr = schedule.rate(this.step, epoch);
          setLearningRate(optimizer, lr);
          const { xs, ys } = trainingBatch(train, order, b * t.batchSize, count, augment, rand);
          const s = computeStep(model, vars, xs, ys, t, train.classes);
          let lossV = NaN, nonFinite = true;
          try {
            const [l, c = 0] = await readScalars(s.correct ? [s.loss, s.correct] : [s.loss]);
            lossV = l;
            nonFinite = !Number.isFinite(lossV);
            correct += c;
            const batch = { step: this.step, epoch, loss: lossV, nonFinite };
            const skipUpdate = nonFinite && t.stopOnNonFinite;
            await hooks.call('onGradients', { ...batch, grads: s.grads, clipped: s.clipped, skipUpdate });
            if (!skipUpdate) applyUpdate(optimizer, s.clipped ?? s.grads, constraints);
            await hooks.call('onBatchEnd', batch);
          } finally {
            tf.dispose([xs, ys]);
            disposeStep(s);
          }
          this.emit({ type: 'step', step: this.step, epoch, loss: lossV, lr });
          if (nonFinite) {
            this.emit({ type: 'non-finite', step: this.step, epoch, what: 'loss', value: lossV });
            if (t.stopOnNonFinite) {
              status = 'diverged';
              reason = `the loss became ${lossV} at step ${this.step} (epoch ${epoch + 1})`;
            }
          }
          lossSum += lossV * count;
          seen += count;
          this.step++;
          if (this.stopAsked?.status === 'diverged') { status = 'diverged'; reason = this.stopAsked.reason; }
          if (status === 'diverged') break epochs;
        }
        const durationMs = Date.now() - epochStart;
        const trainMetrics: Metrics = { loss: lossSum / seen };
        if (train.classes !== null && t.metrics.includes('accuracy')) trainMetrics.accuracy = correct / seen;
        lastTrain = trainMetrics;
        // A hook that evaluates the validation split anyway (predictions) spares the loop its own pass.
        const valMetrics = (await hooks.evaluate(epoch)) ?? (await evaluate(model, validation, spec));
        lastVal = valMetrics;
        epochsDone = epoch + 1;
        this.emit({
          type: 'epoch', epoch, step: this.step, train: trainMetrics, validation: valMetrics, lr, durationMs,
          samplesPerSec: seen / Math.max(durationMs, 1) * 1000, numTensors: tf.memory().numTensors,
        });
        await hooks.call('onEpochEnd', { epoch, step: this.step, train: trainMetrics, validation: valMetrics, lr });
        if (this.stopAsked) {
          status = this.stopAsked.status;
          reason = this.stopAsked.reason;
          break;
        }
      }
      const end: TrainEnd = { status, epochs: epochsDone, finalEpoch: epochsDone - 1, restored: false };
      await hooks.call('onTrainEnd', end);
      // a run that blew up too late for the diagnosis to stop it still ends as what it is
      if (status === 'completed' && this.stopAsked?.status === 'diverged') { status = 'diverged'; reason = this.stopAsked.reason; }
      await hooks.call('onFinalModel', end);
      const finalVal = end.restored ? await evaluate(model, validation, spec) : null;
      const testMetrics = status === 'diverged' ? null : await evaluate(model, test, spec);
      if (testMetrics) this.emit({ type: 'test', metrics: testMetrics });
      // The weights the run ends with (after a best-weights restore), for `trainscope export`; a
      // diverged model's are not worth keeping, and a full disk costs the export, not the run.
      if (target.runDir && status !== 'diverged') {
        await saveModel(model, join(target.runDir, CHECKPOINT_DIR, FINAL_CHECKPOINT)).catch((e) => {
          this.emit({ type: 'warning', step: this.step, message: `the final weights could not be saved: ${(e as Error).message}` });
        });
      }
      const runEnd: Omit<RunEndEvent, 'v' | 't'> = {
        type: 'run-end', status, reason, steps: this.step, epochs: epochsDone, durationMs: Date.now() - started,
        final: { train: lastTrain, validation: finalVal ?? lastVal, test: testMetrics },
      };
      this.emit(runEnd);
      return stampEvent(runEnd) as RunEndEvent;
    } catch (e) {
      this.emit({
        type: 'run-end', status: 'failed', reason: (e as Error).message.split('\n')[0], steps: this.step, epochs: epochsDone,
        durationMs: Date.now() - started, final: { train: lastTrain, validation: null, test: null },
      });
      throw e;
    } finally {
      restoreRandom();
      await hooks.dispose().catch(() => undefined);
      disposeOptimizer(optimizer);
    }
  }
}
