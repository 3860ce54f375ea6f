// Gradient statistics: the gradients of the training step at a collection, per trainable
// variable, and the global norm before and after clipping.
import { z } from 'zod';
import { defineInstrument } from '../framework/define.ts';
import { num, tensorSummaryShape } from '../framework/summary.ts';

const variableStats = z.object({
  variable: z.string(),
  layer: z.string(),
  ...tensorSummaryShape,
  /** L2 norm of the raw (unclipped) gradient */
  norm: num,
  maxAbs: num,
});

export const gradients = defineInstrument({
  id: 'gradients',
  title: 'Gradients',
  description: 'the raw gradient of every trainable variable at a collection step, and the global norm before and after clipping',
  version: 1,
  options: {},
  payload: z.object({
    /** global L2 norm over all gradients, before clipping */
    globalNorm: num,
    /** global L2 norm after clipping (equal to globalNorm when no clipping is configured) */
    globalNormClipped: num,
    variables: z.array(variableStats),
  }),
});

export type VariableGradientStats = z.output<typeof variableStats>;
export type GradientsPayload = { globalNorm: number; globalNormClipped: number; variables: VariableGradientStats[] };
