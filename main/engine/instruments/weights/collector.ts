// Weight statistics after the update of a collection step, and the update ratio |dW|/|W| per
// variable from a snapshot taken before the update (around 1e-3 is healthy; far above means
// the learning rate is too high, far below too low).
import type * as tf from '@tensorflow/tfjs';
import type { WeightsPayload } from '../../../../shared/instruments/weights.ts';
import { summarize, l2norm, l2diff } from '../../stats/summarize.ts';
import { concatFlat, type TrackedVariable } from '../variables.ts';

export function snapshotWeights(vars: TrackedVariable[]): tf.Tensor1D {
  return concatFlat(vars.map((v) => v.variable));
}

export function weightStats(before: ArrayLike<number>, after: ArrayLike<number>, vars: TrackedVariable[], bins: number): WeightsPayload {
  let offset = 0;
  const variables = vars.map((v) => {
    const end = offset + v.size;
    const s = summarize(after, offset, end, bins);
    const norm = l2norm(after, offset, end);
    const normBefore = l2norm(before, offset, end);
    const updateRatio = normBefore > 0 ? l2diff(before, after, offset, end) / normBefore : null;
    offset = end;
    return { variable: v.name, layer: v.layer, ...s, norm, updateRatio };
  });
  return { variables };
}

export async function collectWeights(before: tf.Tensor1D, vars: TrackedVariable[], bins: number): Promise<WeightsPayload> {
  const after = snapshotWeights(vars);
  const [b, a] = [await before.data(), await after.data()];
  after.dispose();
  return weightStats(b, a, vars, bins);
}
