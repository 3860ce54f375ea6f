// Gradient statistics: the gradients of the training step at a collection, per trainable variable.
import type { TensorSummary } from './histogram.ts';

export const GRADIENTS_VERSION = 1;

export interface VariableGradientStats extends TensorSummary {
  variable: string;
  layer: string;
  /** L2 norm of the raw (unclipped) gradient */
  norm: number;
  maxAbs: number;
}

export interface GradientsPayload {
  /** global L2 norm over all gradients, before clipping */
  globalNorm: number;
  /** global L2 norm after clipping (equal to globalNorm when no clipping is configured) */
  globalNormClipped: number;
  variables: VariableGradientStats[];
}
