// The learning-rate range test (Smith 2017; fastai's lr_find): the spec's model, fresh and seeded
// as the spec says, trained with its own optimiser, loss, regularisers, clipping and augmentation
// for `steps` batches while the rate grows exponentially from minLr to maxLr. Each step's loss is
// recorded against its rate; the test stops once the loss blows up. The spec's schedule, early
// stopping and instruments play no part.
import * as tf from '@tensorflow/tfjs';
import type { RunSpec } from '../../../../shared/spec.ts';
import type { ToolProgress } from '../../../../shared/host.ts';
import { LR_FIND_DEFAULTS, type LrFindResult } from '../../../../shared/tools/lr-find/definition.ts';
import type { BackendChoice } from '../../backends/select.ts';
import { Trainer } from '../../train/trainer.ts';
import { applyUpdate, computeStep, disposeStep } from '../../train/step.ts';
import { readScalars } from '../../train/readback.ts';
import { disposeOptimizer, makeOptimizer, setLearningRate } from '../../optim/optimizers.ts';
import { isAugmenting } from '../../data/augment.ts';
import { trainingBatch } from '../../data/batches.ts';
import { rng, seedMathRandom, shuffleInPlace } from '../../seed.ts';
import { stopped } from '../framework/tool.ts';
import { analyzeRange, DivergenceWatch, fmtLr, rangeLr, watchBeta } from './analyze.ts';

export interface LrFindOptions {
  backend?: BackendChoice;
  /** a host's own folders for named datasets (see TrainerOptions.dataDirs) */
  dataDirs?: readonly string[];
  steps?: number;
  minLr?: number;
  maxLr?: number;
  stopFactor?: number;
  onProgress?: (p: ToolProgress) => void;
  signal?: AbortSignal;
}

export async function lrFind(spec: RunSpec, baseDir: string, opts: LrFindOptions = {}): Promise<LrFindResult> {
  const steps = opts.steps ?? LR_FIND_DEFAULTS.steps;
  const minLr = opts.minLr ?? LR_FIND_DEFAULTS.minLr, maxLr = opts.maxLr ?? LR_FIND_DEFAULTS.maxLr;
  const stopFactor = opts.stopFactor ?? LR_FIND_DEFAULTS.stopFactor;
  const t = spec.training;
  const trainer = new Trainer({ spec, baseDir, backend: opts.backend ?? 'auto', dataDirs: opts.dataDirs });
  await trainer.prepare();
  const { model, constraints } = trainer.built;
  const train = trainer.data.train;
  // the same streams the trainer draws from: dropout and noise from Math.random, shuffling and augmentation from rand
  const restoreRandom = seedMathRandom(spec.seed);
  const rand = rng(spec.seed + 7);
  const optimizer = makeOptimizer(t.optimizer);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const augment = isAugmenting(spec.data.augment) ? spec.data.augment : null;
  const batchSize = Math.min(t.batchSize, train.n);
  const order = Array.from({ length: train.n }, (_, i) => i);
  const watch = new DivergenceWatch(stopFactor, watchBeta(steps));
  const lrs: number[] = [], losses: number[] = [];
  let divergedAt: number | null = null;
  let from = train.n; // the next batch's first row in `order`; a new epoch (reshuffled) when too few are left
  try {
    for (let i = 0; i < steps; i++) {
      if (opts.signal?.aborted) throw stopped();
      if (from + batchSize > train.n) { shuffleInPlace(order, rand); from = 0; }
      const { xs, ys } = trainingBatch(train, order, from, batchSize, augment, rand);
      from += batchSize;
      const lr = rangeLr(i, steps, minLr, maxLr);
      setLearningRate(optimizer, lr);
      const s = computeStep(model, vars, xs, ys, t, train.classes);
      let loss = NaN;
      try {
        [loss] = await readScalars([s.loss]);
        if (Number.isFinite(loss)) applyUpdate(optimizer, s.clipped ?? s.grads, constraints);
      } finally {
        tf.dispose([xs, ys]);
        disposeStep(s);
      }
      lrs.push(lr);
      losses.push(loss);
      const stop = watch.push(loss);
      opts.onProgress?.({ done: i + 1, total: steps, note: `lr ${fmtLr(lr)} loss ${Number.isFinite(loss) ? loss.toFixed(4) : loss}` });
      if (stop) { divergedAt = i; break; }
      await new Promise<void>((r) => setImmediate(r)); // let a host's messages in between steps
    }
  } finally {
    restoreRandom();
    disposeOptimizer(optimizer);
    model.dispose();
  }

  const specLr = t.optimizer.learningRate;
  const a = analyzeRange({ lrs, losses, divergedAt, specLr, range: { minLr, maxLr } });
  const notes = [...a.notes];
  if (t.schedule.type !== 'constant') notes.push(`the spec has a ${t.schedule.type} schedule: the test compares its starting rate, and ignores the schedule`);
  if (batchSize * steps > train.n) notes.push(`${steps} steps of ${batchSize} samples: ${((batchSize * steps) / train.n).toFixed(1)} passes over the ${train.n} training samples`);
  return {
    lrs, losses, smoothed: a.smoothed, suggested: a.suggested, steepest: a.steepest, minimum: a.minimum, diverged: a.diverged,
    specLr, specLrStatus: a.specLrStatus, optimizer: t.optimizer.type, steps: lrs.length, stoppedEarly: lrs.length < steps,
    verdict: a.verdict, notes, backend: trainer.backend.name,
  };
}
