// Samples per second for the run header. The engine reports it once per epoch (the epoch event),
// but an epoch of Fashion-MNIST is 844 steps, minutes on a CPU: a figure taken only from epoch
// events stays "--" through the whole first epoch, and for good in a run stopped before it ended.
// Every step event carries its wall-clock time, so a live run's rate comes from its recent steps.

/** A step as the rate needs it: its index, its epoch and when it ended (ms). */
export interface StepTime { step: number; epoch: number; t: number }

/** Steps the live rate is averaged over: enough to smooth a collection step's extra cost out. */
export const RATE_WINDOW = 50;

export interface RunShape {
  batchSize: number;
  /** training samples per epoch */
  trainSamples: number;
  stepsPerEpoch: number;
}

/** Samples in one step: a full batch, except the last of an epoch, which takes what is left. */
export function samplesInStep(step: number, shape: RunShape): number {
  const b = step % Math.max(1, shape.stepsPerEpoch);
  return Math.max(0, Math.min(shape.batchSize, shape.trainSamples - b * shape.batchSize));
}

/**
 * The training rate over the recent steps of the latest epoch (the time between epochs goes to
 * validation, not training, so a window never spans two). 0 with fewer than two such steps.
 */
export function recentRate(recent: readonly StepTime[], shape: RunShape): number {
  const last = recent[recent.length - 1];
  if (!last) return 0;
  let first = recent.length - 1;
  while (first > 0 && recent[first - 1].epoch === last.epoch) first--;
  const window = recent.slice(first);
  const ms = last.t - window[0].t;
  if (window.length < 2 || ms <= 0) return 0;
  // the first step's time marks where the window starts: its own samples were trained before it
  const samples = window.slice(1).reduce((n, s) => n + samplesInStep(s.step, shape), 0);
  return (samples / ms) * 1000;
}

/**
 * The figure to show: while the run trains, the recent steps' rate; once it has ended (or when
 * no recent steps are known, as in a run reopened from the library) the latest epoch's figure,
 * else the average over every step seen.
 */
export function samplesPerSecond(o: {
  ended: boolean; recent: readonly StepTime[]; shape: RunShape | null; epochRate: number | undefined;
  steps: number; firstStepAt: number; lastStepAt: number;
}): number {
  if (!o.shape) return o.epochRate ?? 0;
  if (!o.ended) {
    const r = recentRate(o.recent, o.shape);
    if (r > 0) return r;
  }
  if (o.epochRate) return o.epochRate;
  const ms = o.lastStepAt - o.firstStepAt;
  return o.steps >= 2 && ms > 0 ? ((o.steps - 1) * o.shape.batchSize / ms) * 1000 : 0;
}
