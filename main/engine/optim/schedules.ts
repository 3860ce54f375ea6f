// Learning-rate schedules. Step-based ones are pure functions of the step; reduce-on-plateau
// reacts to the monitored metric at the end of each epoch.
import type { ScheduleSpec } from '../../../shared/spec.ts';
import { isImprovement, monitored, resolveMode } from '../train/monitor.ts';
import type { HookContext, TrainingHook } from '../train/hooks.ts';

export function scheduledRate(s: ScheduleSpec, lr0: number, step: number, epoch: number): number {
  switch (s.type) {
    case 'exponential': {
      const p = step / s.decaySteps;
      return lr0 * s.decayRate ** (s.staircase ? Math.floor(p) : p);
    }
    case 'power':
      return lr0 / (1 + step / s.decaySteps) ** s.power;
    case 'piecewise': {
      const at = s.unit === 'epoch' ? epoch : step;
      let i = 0;
      while (i < s.boundaries.length && at >= s.boundaries[i]) i++;
      return s.values[i];
    }
    default:
      return lr0;
  }
}

/** Keras' ReduceLROnPlateau: wait `patience` epochs without improvement, multiply by factor, cool down. */
export class PlateauReducer {
  private best: number | null = null;
  private wait = 0;
  private cooldownLeft = 0;
  private readonly mode: 'min' | 'max';

  constructor(private readonly s: Extract<ScheduleSpec, { type: 'reduce_on_plateau' }>) {
    this.mode = resolveMode('auto', s.monitor);
  }

  /** Returns the new rate, or null to keep the current one. */
  onEpochEnd(value: number | undefined, lr: number): number | null {
    if (value === undefined || !Number.isFinite(value)) return null;
    // As Keras: an epoch in cooldown counts down and resets the wait; it never triggers.
    const inCooldown = this.cooldownLeft > 0;
    if (inCooldown) { this.cooldownLeft--; this.wait = 0; }
    if (this.best === null || isImprovement(value, this.best, this.mode, this.s.minDelta)) {
      this.best = value;
      this.wait = 0;
      return null;
    }
    if (inCooldown || ++this.wait < this.s.patience) return null;
    const next = Math.max(lr * this.s.factor, this.s.minLearningRate);
    this.wait = 0;
    this.cooldownLeft = this.s.cooldown;
    return next < lr ? next : null;
  }
}

/** The learning rate of each step, and for reduce-on-plateau the hook that lowers it at an epoch's end. */
export interface Schedule {
  rate(step: number, epoch: number): number;
  hook: TrainingHook | null;
}

export function createSchedule(s: ScheduleSpec, lr0: number, ctx: HookContext): Schedule {
  if (s.type !== 'reduce_on_plateau') return { rate: (step, epoch) => scheduledRate(s, lr0, step, epoch), hook: null };
  const plateau = new PlateauReducer(s);
  let lr = lr0;
  return {
    rate: () => lr,
    hook: {
      name: 'schedule',
      onEpochEnd(logs) {
        const next = plateau.onEpochEnd(monitored(s.monitor, logs.train, logs.validation), lr);
        if (next === null) return;
        ctx.emit({ type: 'lr-change', epoch: logs.epoch, step: logs.step, from: lr, to: next, reason: `${s.monitor} did not improve for ${s.patience} epoch(s)` });
        lr = next;
      },
    },
  };
}
