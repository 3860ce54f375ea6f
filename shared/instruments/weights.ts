// Weight statistics and update ratios, per trainable variable, after the update of a collection step.
import type { TensorSummary } from './histogram.ts';

export const WEIGHTS_VERSION = 1;

export interface VariableWeightStats extends TensorSummary {
  variable: string;
  layer: string;
  norm: number;
  /** |W_after - W_before| / |W_before| for this step's update; ~1e-3 is the usual healthy scale.
   *  null when |W_before| is 0 (zero-initialised biases at the first step): the ratio is undefined. */
  updateRatio: number | null;
}

export interface WeightsPayload {
  variables: VariableWeightStats[];
}
