// Training hooks: everything the loop does besides the step itself (collection, predictions,
// diagnosis, early stopping, checkpoints, the plateau scheduler, instruments' own checks) is a
// hook, called at fixed moments in a fixed order, as tfjs-layers' callbacks are. Hooks see
// numbers, not tensors (the loop reads them back once), except `onGradients`, which is where the
// gradients are in hand before the update.
import type * as tf from '@tensorflow/tfjs';
import type { Metrics, RunEndEvent, RunEvent, RunEventBody } from '../../../shared/events.ts';
import type { RunSpec } from '../../../shared/spec.ts';
import type { BuiltModel } from '../model/build.ts';
import type { Splits } from '../data/load.ts';
import type { Dataset } from '../data/dataset.ts';
import type { ReduceContext } from '../instruments/framework/instrument.ts';

export interface BatchInfo {
  step: number;
  epoch: number;
  /** the batch's training loss (NaN or Inf when it blew up) */
  loss: number;
  nonFinite: boolean;
}

export interface GradientsInfo extends BatchInfo {
  /** raw gradients by variable name (the loop disposes them after the update) */
  grads: tf.NamedTensorMap;
  /** after clipping; null when no clipping is configured */
  clipped: tf.NamedTensorMap | null;
  /** true when this step's update is skipped (a non-finite loss that ends the run) */
  skipUpdate: boolean;
}

export interface EpochLogs {
  epoch: number;
  /** global step at the end of the epoch */
  step: number;
  train: Metrics;
  validation: Metrics | null;
  lr: number;
}

export interface TrainEnd {
  status: RunEndEvent['status'];
  /** epochs completed */
  epochs: number;
  /** the epoch whose weights the model holds now (the best one after a restore); -1 before any */
  finalEpoch: number;
  /** early stopping put the best epoch's weights back */
  restored: boolean;
}

/** What hooks may read and do. */
export interface HookContext {
  readonly spec: RunSpec;
  readonly built: BuiltModel;
  readonly data: Splits;
  /** the fixed probe batch the instruments measure on */
  readonly probe: Dataset;
  /** the model as the instruments see it: layers, variables, weight offsets, layer configurations, options */
  readonly described: ReduceContext;
  readonly runDir: string | undefined;
  /** the global step about to run (or just run, inside batch moments) */
  readonly step: number;
  emit(body: RunEventBody): void;
  /** ends training: after this epoch's hooks (early stopping), or after this step (a diverged run) */
  requestStop(status: 'early-stopped' | 'diverged', reason: string): void;
}

/** Every moment is optional; hooks run in list order, each awaited before the next. */
export interface TrainingHook {
  readonly name: string;
  /** after run-start, before the first step */
  onTrainBegin?(): Promise<void> | void;
  onEpochBegin?(epoch: number): Promise<void> | void;
  /** before a batch is drawn (requests from the host land here: "evaluate now") */
  onBatchBegin?(step: number, epoch: number): Promise<void> | void;
  /** gradients computed (and clipped), the update not yet applied */
  onGradients?(b: GradientsInfo): Promise<void> | void;
  /** the update applied */
  onBatchEnd?(b: BatchInfo): Promise<void> | void;
  /**
   * At an epoch's end, before its event: a hook that evaluates the validation split anyway
   * (per-sample predictions) returns its metrics and saves the loop a second pass.
   */
  onEpochEvaluate?(epoch: number): Promise<Metrics | undefined> | Metrics | undefined;
  /** after the epoch event, with the epoch's metrics */
  onEpochEnd?(logs: EpochLogs): Promise<void> | void;
  /** training is over; a hook may change which weights the model ends with (early stopping restores) */
  onTrainEnd?(end: TrainEnd): Promise<void> | void;
  /** the model holds its final weights: evaluate them (predictions) before the test split and run-end */
  onFinalModel?(end: TrainEnd): Promise<void> | void;
  /** every event emitted, in order (the diagnosis reads them) */
  onEvent?(e: RunEvent): void;
  /** a request from the host by name ('evaluate'), acted on at the next moment that suits */
  onRequest?(name: string): void;
  /** release what the hook holds (workers, tensors); called once, also after a failure */
  dispose?(): Promise<void> | void;
}

type Moment = 'onTrainBegin' | 'onEpochBegin' | 'onBatchBegin' | 'onGradients' | 'onBatchEnd' | 'onEpochEnd' | 'onTrainEnd' | 'onFinalModel';
type Arg<M extends Moment> = Parameters<NonNullable<TrainingHook[M]>>;

/** The hooks of one run, in order. */
export class HookList {
  constructor(readonly hooks: TrainingHook[]) {}

  async call<M extends Moment>(moment: M, ...args: Arg<M>): Promise<void> {
    for (const h of this.hooks) {
      const f = h[moment] as ((...a: Arg<M>) => Promise<void> | void) | undefined;
      if (f) await f.apply(h, args);
    }
  }

  /** The first hook's validation metrics, if one evaluated the split. */
  async evaluate(epoch: number): Promise<Metrics | undefined> {
    let found: Metrics | undefined;
    for (const h of this.hooks) {
      const m = await h.onEpochEvaluate?.(epoch);
      if (m && !found) found = m;
    }
    return found;
  }

  event(e: RunEvent) {
    for (const h of this.hooks) h.onEvent?.(e);
  }

  request(name: string) {
    for (const h of this.hooks) h.onRequest?.(name);
  }

  async dispose() {
    for (const h of this.hooks) await h.dispose?.();
  }
}
