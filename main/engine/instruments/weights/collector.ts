// Weight statistics after the update of a collection step, and the update ratio |dW|/|W| per
// variable (around 1e-3 is healthy; far above means the learning rate is too high, far below
// too low). The "before" values come from a device snapshot taken before the update, or, when
// the previous step was collected too, from that collection's "after" values (same numbers,
// no second copy and read-back: this keeps every-step collection affordable).
import type * as tf from '@tensorflow/tfjs';
import type { WeightsPayload } from '../../../../shared/instruments/weights.ts';
import { summarizeWithNorm, relativeChange } from '../../stats/summarize.ts';
import { concatFlat, type TrackedVariable } from '../variables.ts';

export function weightStats(before: ArrayLike<number>, after: ArrayLike<number>, vars: TrackedVariable[], bins: number): WeightsPayload {
  let offset = 0;
  const variables = vars.map((v) => {
    const end = offset + v.size;
    const s = summarizeWithNorm(after, offset, end, bins);
    const updateRatio = relativeChange(before, after, offset, end);
    offset = end;
    return { variable: v.name, layer: v.layer, ...s, updateRatio };
  });
  return { variables };
}

export class WeightCollector {
  private previous: { step: number; values: Float32Array } | null = null;

  constructor(private readonly vars: TrackedVariable[], private readonly bins: number) {}

  /** A device copy of the weights before this step's update, unless the last collection already holds them. */
  snapshot(step: number): tf.Tensor1D | null {
    return this.previous?.step === step - 1 ? null : concatFlat(this.vars.map((v) => v.variable));
  }

  async collect(step: number, snapshot: tf.Tensor1D | null): Promise<WeightsPayload> {
    const after = concatFlat(this.vars.map((v) => v.variable));
    const a = (await after.data()) as Float32Array;
    after.dispose();
    const b = snapshot ? ((await snapshot.data()) as Float32Array) : this.previous!.values;
    this.previous = { step, values: a };
    return weightStats(b, a, this.vars, this.bins);
  }

  /** The weights changed outside a step (best weights restored): the cached values are stale. */
  invalidate() {
    this.previous = null;
  }
}
