// Test fixture: how schema v2 of the run library packed a collection (the code as it was), so the
// v3 upgrade can be tested on records exactly like the ones users have.
import type { ActivationsPayload } from '../../../shared/instruments/activations/definition.ts';
import type { GradientsPayload } from '../../../shared/instruments/gradients/definition.ts';
import type { WeightsPayload } from '../../../shared/instruments/weights/definition.ts';
import type { TensorSummary } from '../../../shared/instruments/framework/summary.ts';
import { sectionsV2, type PackedCollectionV2 } from '../../../renderer/src/store/legacy/collections-v2.ts';

/** A collection as protocol 1 carried it. */
export interface V1Collection { epoch: number; costMs: number; activations: ActivationsPayload; gradients: GradientsPayload; weights: WeightsPayload }

const ROW = 10;

function packHist(f: Float32Array, o: number, bins: number, s: TensorSummary) {
  f[o] = s.hist.lo;
  f[o + 1] = s.hist.hi;
  const c = s.hist.counts;
  for (let b = 0; b < bins && b < c.length; b++) f[o + 2 + b] = c[b];
}

export function packV2(c: V1Collection, bins: number): PackedCollectionV2 {
  const L = c.activations.layers.length, V = c.gradients.variables.length;
  let units = 0;
  for (const l of c.activations.layers) units += l.unitSaturated.length;
  const S = sectionsV2(L, V, bins, units);
  const f = new Float32Array(S.size), dead = new Uint8Array(units);
  // Explicit field reads in the documented order: this runs for every collection of every live
  // run, so no generic key loops.
  let u = 0;
  for (let i = 0; i < L; i++) {
    const l = c.activations.layers[i], o = S.act + i * ROW;
    f[o] = l.mean; f[o + 1] = l.std; f[o + 2] = l.min; f[o + 3] = l.max; f[o + 4] = l.zeroFrac;
    f[o + 5] = l.saturatedFrac; f[o + 6] = l.deadFrac; f[o + 7] = l.nan; f[o + 8] = l.inf; f[o + 9] = l.count;
    packHist(f, S.actHist + i * S.h, bins, l);
    for (let k = 0; k < l.unitSaturated.length; k++) { f[S.unitSat + u + k] = l.unitSaturated[k]; dead[u + k] = l.unitDead[k]; }
    u += l.unitSaturated.length;
  }
  for (let i = 0; i < V; i++) {
    const g = c.gradients.variables[i], o = S.grad + i * ROW;
    f[o] = g.norm; f[o + 1] = g.mean; f[o + 2] = g.std; f[o + 3] = g.min; f[o + 4] = g.max;
    f[o + 5] = g.maxAbs; f[o + 6] = g.zeroFrac; f[o + 7] = g.nan; f[o + 8] = g.inf; f[o + 9] = g.count;
    packHist(f, S.gradHist + i * S.h, bins, g);
    const w = c.weights.variables[i];
    if (!w) continue;
    const q = S.wts + i * ROW;
    f[q] = w.norm; f[q + 1] = w.mean; f[q + 2] = w.std; f[q + 3] = w.min; f[q + 4] = w.max;
    f[q + 5] = w.updateRatio === null ? NaN : w.updateRatio; f[q + 6] = w.zeroFrac; f[q + 7] = w.nan; f[q + 8] = w.inf; f[q + 9] = w.count;
    packHist(f, S.wtsHist + i * S.h, bins, w);
  }
  return { epoch: c.epoch, costMs: c.costMs, f, dead, globalNorm: c.gradients.globalNorm, globalNormClipped: c.gradients.globalNormClipped };
}
