// Gradient statistics of the training step at a collection: per variable norm, moments,
// max |g|, histogram, zero fraction, NaN/Inf; and the global norm before and after clipping.
import type { GradientsPayload, VariableGradientStats } from '../../../../shared/instruments/gradients/definition.ts';
import { summarizeWithNorm, type VariableRef } from '../framework/index.ts';

/** `values` holds the raw gradients of `vars`, concatenated in order. */
export function gradientStats(values: ArrayLike<number>, vars: VariableRef[], bins: number, clippedNorm: number | null): GradientsPayload {
  let offset = 0;
  const variables: VariableGradientStats[] = vars.map((v) => {
    const s = summarizeWithNorm(values, offset, offset + v.size, bins);
    offset += v.size;
    return { variable: v.name, layer: v.layer, ...s, maxAbs: Math.max(Math.abs(s.min), Math.abs(s.max)) };
  });
  const globalNorm = Math.sqrt(variables.reduce((a, v) => a + v.norm * v.norm, 0));
  return { globalNorm, globalNormClipped: clippedNorm ?? globalNorm, variables };
}
