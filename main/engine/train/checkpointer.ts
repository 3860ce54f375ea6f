// Saves the model after an epoch: only when the monitored value improves (saveBestOnly), or
// every epoch as the latest model. TensorFlow.js format, written atomically.
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { RunSpec } from '../../../shared/spec.ts';
import { saveModel } from '../run/model-io.ts';
import { isImprovement, monitored, resolveMode } from './monitor.ts';
import { CHECKPOINT_DIR } from '../run/run-folder.ts';
import type { HookContext, TrainingHook } from './hooks.ts';

type Spec = NonNullable<RunSpec['training']['checkpoint']>;

export class Checkpointer {
  private best: number | null = null;
  private readonly mode: 'min' | 'max';

  constructor(readonly spec: Spec, readonly dir: string) {
    this.mode = resolveMode(spec.mode, spec.monitor);
  }

  /** Returns the folder written, or null when this epoch is not saved. */
  async onEpochEnd(value: number | undefined, model: tf.LayersModel): Promise<string | null> {
    if (this.spec.saveBestOnly) {
      if (value === undefined || !Number.isFinite(value)) return null;
      if (this.best !== null && !isImprovement(value, this.best, this.mode, 0)) return null;
      this.best = value;
    }
    const dir = join(this.dir, this.spec.saveBestOnly ? 'best' : 'latest');
    await saveModel(model, dir);
    return dir;
  }
}

/** Checkpoints as a training hook: written under the run folder's checkpoints/, none without a run folder. */
export function checkpointHook(spec: Spec, ctx: HookContext): TrainingHook | null {
  if (!ctx.runDir) return null;
  const checkpointer = new Checkpointer(spec, join(ctx.runDir, CHECKPOINT_DIR));
  return {
    name: 'checkpoint',
    async onEpochEnd(logs) {
      const value = monitored(spec.monitor, logs.train, logs.validation);
      const path = await checkpointer.onEpochEnd(value, ctx.built.model);
      if (path) ctx.emit({ type: 'checkpoint', epoch: logs.epoch, step: logs.step, path, monitor: spec.monitor, value: value ?? null });
    },
  };
}
