// Training batches as the loop and the tools draw them: rows of the split in a shuffled order,
// augmented, as tensors. One place, so the trainer and the LR range test see the same data.
import * as tf from '@tensorflow/tfjs';
import { gatherRows, sampleSize, type Dataset } from './dataset.ts';
import { augmentBatch, type AugmentSpec } from './augment.ts';

/** Rows order[from .. from + count) of `d`, augmented when `augment` is set, as (inputs, labels). */
export function trainingBatch(
  d: Dataset, order: ArrayLike<number>, from: number, count: number, augment: AugmentSpec | null, rand: () => number,
): { xs: tf.Tensor; ys: tf.Tensor1D } {
  // Fresh buffers per batch: the cpu backend keeps a reference to the array it is given.
  const xb = new Float32Array(count * sampleSize(d.shape)), yb = new Float32Array(count);
  gatherRows(d, order, from, count, xb, yb);
  if (augment) augmentBatch(xb, count, d.shape, augment, rand);
  return { xs: tf.tensor(xb, [count, ...d.shape]), ys: tf.tensor1d(yb) };
}
