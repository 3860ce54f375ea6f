// One training step, the part the loop keeps: forward pass, loss (with the layers'
// regularisation terms), gradients, clipping; then the update, with the max-norm constraints
// tfjs' optimisers skip.
import * as tf from '@tensorflow/tfjs';
import type { RunSpec } from '../../../shared/spec.ts';
import type { BuiltModel } from '../model/build.ts';
import { clipGradients } from '../optim/clip.ts';
import { correctCount, perSampleLoss } from './loss.ts';

export interface StepTensors {
  loss: tf.Scalar;
  /** correctly classified samples of the batch (classification), else null */
  correct: tf.Scalar | null;
  grads: tf.NamedTensorMap;
  /** null when no clipping is configured */
  clipped: tf.NamedTensorMap | null;
}

export function computeStep(
  model: tf.LayersModel, vars: tf.Variable[], xs: tf.Tensor, ys: tf.Tensor1D, training: RunSpec['training'], classes: number | null,
): StepTensors {
  let correct: tf.Scalar | null = null;
  const lossFn = () => {
    const pred = model.apply(xs, { training: true }) as tf.Tensor2D;
    if (classes !== null) correct = tf.keep(correctCount(ys, pred));
    const dataLoss = tf.mean(perSampleLoss(training.loss, ys, pred, classes));
    const reg = model.calculateLosses();
    return (reg.length ? tf.addN([dataLoss, ...reg]) : dataLoss) as tf.Scalar;
  };
  // A fully frozen model (trainable: false everywhere) still runs, and learns nothing.
  const { value, grads } = vars.length ? tf.variableGrads(lossFn, vars) : { value: tf.tidy(lossFn), grads: {} as tf.NamedTensorMap };
  const clip = training.clip.value !== undefined || training.clip.globalNorm !== undefined ? training.clip : null;
  const clipped = clip && vars.length ? clipGradients(grads, clip) : null;
  return { loss: value, correct, grads, clipped };
}

export function disposeStep(s: StepTensors) {
  tf.dispose([s.loss, ...(s.correct ? [s.correct] : []), ...Object.values(s.grads), ...(s.clipped ? Object.values(s.clipped) : [])]);
}

export function applyUpdate(optimizer: tf.Optimizer, grads: tf.NamedTensorMap, constraints: BuiltModel['constraints']) {
  if (Object.keys(grads).length) optimizer.applyGradients(grads);
  // tfjs' optimisers write variables directly, bypassing layer constraints: apply max-norm here.
  for (const { variable, constraint } of constraints) {
    tf.tidy(() => variable.assign(constraint.apply(variable)));
  }
}
