// Weight statistics after the update of a collection step, and the update ratio |dW|/|W| per
// variable (around 1e-3 is healthy; far above means the learning rate is too high, far below
// too low).
import type { WeightsPayload } from '../../../../shared/instruments/weights/definition.ts';
import { summarizeWithNorm, relativeChange, type VariableRef } from '../framework/index.ts';

/** `before` and `after` hold all of the model's weights; each variable sits at its weightOffset. */
export function weightStats(before: ArrayLike<number>, after: ArrayLike<number>, vars: VariableRef[], bins: number): WeightsPayload {
  return {
    variables: vars.map((v) => {
      const start = v.weightOffset, end = start + v.size;
      return { variable: v.name, layer: v.layer, ...summarizeWithNorm(after, start, end, bins), updateRatio: relativeChange(before, after, start, end) };
    }),
  };
}
