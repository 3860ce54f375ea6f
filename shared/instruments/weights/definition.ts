// Weight statistics and update ratios, per trainable variable, after the update of a collection step.
import { z } from 'zod';
import { defineInstrument } from '../framework/define.ts';
import { num, tensorSummaryShape } from '../framework/summary.ts';

const variableStats = z.object({
  variable: z.string(),
  layer: z.string(),
  ...tensorSummaryShape,
  norm: num,
  /** |W_after - W_before| / |W_before| for this step's update; ~1e-3 is the usual healthy scale.
   *  null when |W_before| is 0 (zero-initialised biases at the first step): the ratio is undefined. */
  updateRatio: z.union([z.custom<number>((v) => typeof v === 'number'), z.null()]), // null stays null: undefined, not NaN
});

export const weights = defineInstrument({
  id: 'weights',
  title: 'Weights & updates',
  description: 'every trainable variable after the update of a collection step, and its update ratio |dW|/|W|',
  version: 1,
  options: {},
  payload: z.object({ variables: z.array(variableStats) }),
});

export type VariableWeightStats = z.output<typeof variableStats>;
export type WeightsPayload = { variables: VariableWeightStats[] };
