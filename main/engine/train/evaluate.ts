// Loss and metrics of a model over a whole split, in inference mode, read back once.
import * as tf from '@tensorflow/tfjs';
import type { RunSpec } from '../../../shared/spec.ts';
import type { Metrics } from '../../../shared/events.ts';
import { type Dataset, sampleSize } from '../data/dataset.ts';
import { batchSums, metricsFromSums } from './loss.ts';
import { readFlat } from './readback.ts';

export async function evaluate(model: tf.LayersModel, d: Dataset, spec: RunSpec, batchSize = 512): Promise<Metrics | null> {
  if (d.n === 0) return null;
  const size = sampleSize(d.shape);
  let total = tf.zeros([4]);
  for (let from = 0; from < d.n; from += batchSize) {
    const count = Math.min(batchSize, d.n - from);
    const next = tf.tidy(() => {
      const x = tf.tensor(d.x.subarray(from * size, (from + count) * size), [count, ...d.shape]);
      const y = tf.tensor1d(d.y.subarray(from, from + count));
      const pred = model.apply(x, { training: false }) as tf.Tensor2D;
      return tf.add(total, batchSums(spec.training.loss, y, pred, d.classes));
    });
    total.dispose();
    total = next;
  }
  const sums = await readFlat(total);
  return metricsFromSums(sums, d.n, spec.training.metrics, d.classes);
}
