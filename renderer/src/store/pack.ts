// Collections packed as typed arrays: one record per (run, step) holds every layer's numbers in
// one Float32Array (plus the dead-unit flags). Row-per-layer records were 10-20x slower to write
// in IndexedDB (environment.md), and each extra typed array per record costs structured-clone
// time too, so the sections below share one buffer.
import type { CollectionEvent } from '../../../shared/events.ts';
import type { TensorSummary } from '../../../shared/instruments/histogram.ts';

export interface PackedCollection {
  epoch: number;
  costMs: number;
  /** the sections of `Sections`, back to back */
  f: Float32Array;
  /** per recorded unit, layer after layer: 1 if dead */
  dead: Uint8Array;
  /** global gradient norm before and after clipping (kept in double precision) */
  globalNorm: number;
  globalNormClipped: number;
}

/** What unpacking needs besides the arrays: names and sizes fixed at run start. */
export interface PackLayout {
  layers: { name: string; units: number }[];
  variables: { name: string; layer: string }[];
  bins: number;
}

/** Numbers per row of a section: activations (mean, std, min, max, zeroFrac, saturatedFrac, deadFrac,
 *  nan, inf, count), gradients (norm, mean, std, min, max, maxAbs, zeroFrac, nan, inf, count),
 *  weights (norm, mean, std, min, max, updateRatio or NaN, zeroFrac, nan, inf, count). */
export const ROW = 10;
export const ACT_FIELD = { mean: 0, std: 1, min: 2, max: 3, zeroFrac: 4, saturatedFrac: 5, deadFrac: 6, nan: 7, inf: 8, count: 9 } as const;
export const GRAD_FIELD = { norm: 0, mean: 1, std: 2, min: 3, max: 4, maxAbs: 5, zeroFrac: 6, nan: 7, inf: 8, count: 9 } as const;
export const WTS_FIELD = { norm: 0, mean: 1, std: 2, min: 3, max: 4, updateRatio: 5, zeroFrac: 6, nan: 7, inf: 8, count: 9 } as const;

/** Offsets of each section in `f`. Histograms are (lo, hi, counts...) rows of bins + 2. */
export function sections(L: number, V: number, bins: number, units: number) {
  const h = bins + 2;
  const act = 0, actHist = act + L * ROW, unitSat = actHist + L * h, grad = unitSat + units;
  const gradHist = grad + V * ROW, wts = gradHist + V * h, wtsHist = wts + V * ROW, size = wtsHist + V * h;
  return { act, actHist, unitSat, grad, gradHist, wts, wtsHist, size, h };
}

function packHist(f: Float32Array, o: number, bins: number, s: TensorSummary) {
  f[o] = s.hist.lo;
  f[o + 1] = s.hist.hi;
  const c = s.hist.counts;
  for (let b = 0; b < bins && b < c.length; b++) f[o + 2 + b] = c[b];
}

export function packCollection(c: CollectionEvent, bins: number): PackedCollection {
  const L = c.activations.layers.length, V = c.gradients.variables.length;
  let units = 0;
  for (const l of c.activations.layers) units += l.unitSaturated.length;
  const S = sections(L, V, bins, units);
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

function hist(f: Float32Array, ho: number, bins: number) {
  return { lo: f[ho], hi: f[ho + 1], counts: Array.from(f.subarray(ho + 2, ho + 2 + bins)) };
}

/** Back to a collection event (exports, and tests of the round trip). */
export function unpackCollection(step: number, p: PackedCollection, layout: PackLayout, t = 0): CollectionEvent {
  const L = layout.layers.length, V = layout.variables.length, bins = layout.bins;
  const S = sections(L, V, bins, p.dead.length);
  const f = p.f;
  let u = 0;
  const layers = layout.layers.map((l, i) => {
    const o = S.act + i * ROW, n = Math.min(l.units, p.dead.length - u);
    const r = {
      layer: l.name, mean: f[o], std: f[o + 1], min: f[o + 2], max: f[o + 3], zeroFrac: f[o + 4], saturatedFrac: f[o + 5],
      deadFrac: f[o + 6], nan: f[o + 7], inf: f[o + 8], count: f[o + 9], hist: hist(f, S.actHist + i * S.h, bins),
      unitSaturated: Array.from(f.subarray(S.unitSat + u, S.unitSat + u + n)), unitDead: Array.from(p.dead.subarray(u, u + n)),
    };
    u += n;
    return r;
  });
  const variables = layout.variables.map((v, i) => {
    const o = S.grad + i * ROW;
    return {
      variable: v.name, layer: v.layer, norm: f[o], mean: f[o + 1], std: f[o + 2], min: f[o + 3], max: f[o + 4], maxAbs: f[o + 5],
      zeroFrac: f[o + 6], nan: f[o + 7], inf: f[o + 8], count: f[o + 9], hist: hist(f, S.gradHist + i * S.h, bins),
    };
  });
  const weights = layout.variables.map((v, i) => {
    const o = S.wts + i * ROW;
    return {
      variable: v.name, layer: v.layer, norm: f[o], mean: f[o + 1], std: f[o + 2], min: f[o + 3], max: f[o + 4],
      updateRatio: Number.isNaN(f[o + 5]) ? null : f[o + 5], zeroFrac: f[o + 6], nan: f[o + 7], inf: f[o + 8], count: f[o + 9],
      hist: hist(f, S.wtsHist + i * S.h, bins),
    };
  });
  return {
    v: 1, t, type: 'collection', step, epoch: p.epoch, costMs: p.costMs,
    activations: { layers },
    gradients: { globalNorm: p.globalNorm, globalNormClipped: p.globalNormClipped, variables },
    weights: { variables: weights },
  };
}
