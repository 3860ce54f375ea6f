// Losses and metrics on one batch. Class labels arrive as integers; one-hot happens here.
import * as tf from '@tensorflow/tfjs';
import type { LossName } from '../../../shared/spec.ts';

const EPS = 1e-7;

/** Per-sample loss, shape [batch]. */
export function perSampleLoss(loss: LossName, labels: tf.Tensor1D, pred: tf.Tensor2D, classes: number | null): tf.Tensor1D {
  return tf.tidy(() => {
    switch (loss) {
      case 'categorical_crossentropy': {
        const p = tf.clipByValue(pred, EPS, 1 - EPS);
        const y = tf.oneHot(labels.toInt(), classes!);
        return tf.neg(tf.sum(tf.mul(y, tf.log(p)), 1)) as tf.Tensor1D;
      }
      case 'binary_crossentropy': {
        const p = tf.clipByValue(pred.reshape([-1]), EPS, 1 - EPS);
        return tf.neg(tf.add(tf.mul(labels, tf.log(p)), tf.mul(tf.sub(1, labels), tf.log(tf.sub(1, p))))) as tf.Tensor1D;
      }
      case 'mse':
        return tf.square(tf.sub(pred.reshape([-1]), labels)) as tf.Tensor1D;
      case 'mae':
        return tf.abs(tf.sub(pred.reshape([-1]), labels)) as tf.Tensor1D;
    }
  });
}

/** Number of correct predictions in the batch (argmax, or a 0.5 threshold for one sigmoid unit). */
export function correctCount(labels: tf.Tensor1D, pred: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const predicted = pred.shape[1] === 1 ? tf.greater(pred.reshape([-1]), 0.5).toFloat() : tf.argMax(pred, 1).toFloat();
    return tf.sum(tf.equal(predicted, labels).toFloat()) as tf.Scalar;
  });
}

/** Sums per batch for the epoch metrics: [loss, correct, squared error, absolute error]. */
export function batchSums(loss: LossName, labels: tf.Tensor1D, pred: tf.Tensor2D, classes: number | null): tf.Tensor1D {
  return tf.tidy(() => {
    const l = tf.sum(perSampleLoss(loss, labels, pred, classes));
    const correct = classes !== null ? correctCount(labels, pred) : tf.scalar(0);
    const err = classes === null ? tf.sub(pred.reshape([-1]), labels) : tf.zeros([1]);
    return tf.stack([l, correct, tf.sum(tf.square(err)), tf.sum(tf.abs(err))]) as tf.Tensor1D;
  });
}

export function metricsFromSums(sums: ArrayLike<number>, n: number, metrics: readonly string[], classes: number | null) {
  const out: Record<string, number> = { loss: sums[0] / n };
  for (const m of metrics) {
    if (m === 'accuracy' && classes !== null) out.accuracy = sums[1] / n;
    if (m === 'mse' && classes === null) out.mse = sums[2] / n;
    if (m === 'mae' && classes === null) out.mae = sums[3] / n;
  }
  return out;
}
