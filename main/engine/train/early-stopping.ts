// Early stopping as Keras defines it (monitor, minDelta, patience, mode, baseline), keeping a
// copy of the best epoch's weights on the device so they can be restored at the end.
import * as tf from '@tensorflow/tfjs';
import type { RunSpec } from '../../../shared/spec.ts';
import { isImprovement, monitored, resolveMode } from './monitor.ts';
import type { HookContext, TrainingHook } from './hooks.ts';

type Spec = NonNullable<RunSpec['training']['earlyStopping']>;

export class EarlyStopping {
  readonly mode: 'min' | 'max';
  best: number | null;
  bestEpoch = -1;
  private wait = 0;
  private bestWeights: tf.Tensor[] | null = null;

  constructor(readonly spec: Spec) {
    this.mode = resolveMode(spec.mode, spec.monitor);
    this.best = spec.baseline;
  }

  /** Returns true when training should stop. */
  onEpochEnd(epoch: number, value: number | undefined, model: tf.LayersModel): boolean {
    if (value === undefined) return false;
    const improved = Number.isFinite(value) && (this.best === null || isImprovement(value, this.best, this.mode, this.spec.minDelta));
    if (improved) {
      this.best = value;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.spec.restoreBestWeights) {
        if (this.bestWeights) tf.dispose(this.bestWeights);
        this.bestWeights = model.getWeights().map((w) => tf.clone(w));
      }
      return false;
    }
    this.wait++;
    return this.wait >= this.spec.patience;
  }

  /** Puts the best epoch's weights back; false when there were none (never improved). */
  restore(model: tf.LayersModel): boolean {
    if (!this.spec.restoreBestWeights || !this.bestWeights) return false;
    model.setWeights(this.bestWeights);
    return true;
  }

  dispose() {
    if (this.bestWeights) tf.dispose(this.bestWeights);
    this.bestWeights = null;
  }
}

/** Early stopping as a training hook: it ends training after a patience of epochs without
 *  improvement, and at the end puts the best epoch's weights back. */
export function earlyStoppingHook(spec: Spec, ctx: HookContext): TrainingHook {
  const early = new EarlyStopping(spec);
  const model = ctx.built.model;
  return {
    name: 'early-stopping',
    onEpochEnd(logs) {
      if (early.onEpochEnd(logs.epoch, monitored(spec.monitor, logs.train, logs.validation), model)) {
        ctx.requestStop('early-stopped', `${spec.monitor} did not improve for ${spec.patience} epoch(s)`);
      }
    },
    onTrainEnd(end) {
      if (end.status === 'diverged') return;
      end.restored = early.restore(model);
      if (end.restored) end.finalEpoch = early.bestEpoch;
      if (end.status === 'early-stopped' || end.restored) {
        ctx.emit({ type: 'early-stop', epoch: Math.max(0, end.epochs - 1), bestEpoch: early.bestEpoch, bestValue: early.best, monitor: spec.monitor, restored: end.restored });
      }
    },
    dispose() { early.dispose(); },
  };
}
