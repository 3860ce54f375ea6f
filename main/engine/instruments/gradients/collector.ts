// Gradient statistics of the training step at a collection: per variable norm, moments,
// max |g|, histogram, zero fraction, NaN/Inf; and the global norm before and after clipping.
import type * as tf from '@tensorflow/tfjs';
import type { GradientsPayload, VariableGradientStats } from '../../../../shared/instruments/gradients.ts';
import { summarizeWithNorm, l2norm } from '../../stats/summarize.ts';
import { concatFlat, type TrackedVariable } from '../variables.ts';

export function gradientStats(values: ArrayLike<number>, vars: TrackedVariable[], bins: number): VariableGradientStats[] {
  let offset = 0;
  return vars.map((v) => {
    const s = summarizeWithNorm(values, offset, offset + v.size, bins);
    offset += v.size;
    return { variable: v.name, layer: v.layer, ...s, maxAbs: Math.max(Math.abs(s.min), Math.abs(s.max)) };
  });
}

export async function collectGradients(
  grads: tf.NamedTensorMap, clipped: tf.NamedTensorMap | null, vars: TrackedVariable[], bins: number,
): Promise<GradientsPayload> {
  const flat = concatFlat(vars.map((v) => grads[v.name]));
  const values = await flat.data();
  flat.dispose();
  const variables = gradientStats(values, vars, bins);
  const globalNorm = Math.sqrt(variables.reduce((a, v) => a + v.norm * v.norm, 0));
  let globalNormClipped = globalNorm;
  if (clipped) {
    const c = concatFlat(vars.map((v) => clipped[v.name]));
    const cv = await c.data();
    c.dispose();
    globalNormClipped = l2norm(cv, 0, cv.length);
  }
  return { globalNorm, globalNormClipped, variables };
}
