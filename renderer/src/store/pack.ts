// Collections packed as typed arrays: one record per (run, step) holds every layer's numbers.
// Row-per-layer records were 10-20x slower to write in IndexedDB (environment.md); packed ones
// write 100k layer-steps in well under a second.
import type { CollectionEvent } from '../../../shared/events.ts';
import type { TensorSummary } from '../../../shared/instruments/histogram.ts';

export interface PackedCollection {
  epoch: number;
  costMs: number;
  /** per layer: mean, std, min, max, zeroFrac, saturatedFrac, deadFrac, nan, inf, count */
  act: Float32Array;
  /** per layer: lo, hi, counts... (bins + 2) */
  actHist: Float32Array;
  unitSat: Float32Array;
  unitDead: Uint8Array;
  /** per variable: norm, mean, std, min, max, maxAbs, zeroFrac, nan, inf, count */
  grad: Float32Array;
  gradHist: Float32Array;
  /** per variable: norm, mean, std, min, max, updateRatio (NaN for none), zeroFrac, nan, inf, count */
  wts: Float32Array;
  wtsHist: Float32Array;
  /** global gradient norm before and after clipping */
  global: Float64Array;
}

/** What unpacking needs besides the arrays: names and sizes fixed at run start. */
export interface PackLayout {
  layers: { name: string; units: number }[];
  variables: { name: string; layer: string }[];
  bins: number;
}

const A = 10;

function packHist(out: Float32Array, i: number, bins: number, s: TensorSummary) {
  const o = i * (bins + 2);
  out[o] = s.hist.lo;
  out[o + 1] = s.hist.hi;
  for (let b = 0; b < bins; b++) out[o + 2 + b] = s.hist.counts[b] ?? 0;
}

function unpackHist(a: Float32Array, i: number, bins: number) {
  const o = i * (bins + 2);
  return { lo: a[o], hi: a[o + 1], counts: Array.from(a.subarray(o + 2, o + 2 + bins)) };
}

function summaryAt(a: Float32Array, i: number, hist: Float32Array, bins: number, order: string[]): TensorSummary & Record<string, number> {
  const o: Record<string, number> = {};
  order.forEach((k, j) => { o[k] = a[i * A + j]; });
  return { ...(o as unknown as TensorSummary), hist: unpackHist(hist, i, bins) } as TensorSummary & Record<string, number>;
}

const ACT = ['mean', 'std', 'min', 'max', 'zeroFrac', 'saturatedFrac', 'deadFrac', 'nan', 'inf', 'count'];
const GRAD = ['norm', 'mean', 'std', 'min', 'max', 'maxAbs', 'zeroFrac', 'nan', 'inf', 'count'];
const WTS = ['norm', 'mean', 'std', 'min', 'max', 'updateRatio', 'zeroFrac', 'nan', 'inf', 'count'];

export function packCollection(c: CollectionEvent, bins: number): PackedCollection {
  const L = c.activations.layers.length, V = c.gradients.variables.length;
  const act = new Float32Array(L * A), actHist = new Float32Array(L * (bins + 2));
  const units = c.activations.layers.reduce((n, l) => n + l.unitSaturated.length, 0);
  const unitSat = new Float32Array(units), unitDead = new Uint8Array(units);
  let u = 0;
  c.activations.layers.forEach((l, i) => {
    ACT.forEach((k, j) => { act[i * A + j] = (l as unknown as Record<string, number>)[k]; });
    packHist(actHist, i, bins, l);
    unitSat.set(l.unitSaturated, u);
    unitDead.set(l.unitDead, u);
    u += l.unitSaturated.length;
  });
  const grad = new Float32Array(V * A), gradHist = new Float32Array(V * (bins + 2));
  c.gradients.variables.forEach((v, i) => {
    GRAD.forEach((k, j) => { grad[i * A + j] = (v as unknown as Record<string, number>)[k]; });
    packHist(gradHist, i, bins, v);
  });
  const wts = new Float32Array(V * A), wtsHist = new Float32Array(V * (bins + 2));
  c.weights.variables.forEach((v, i) => {
    WTS.forEach((k, j) => { const x = (v as unknown as Record<string, number | null>)[k]; wts[i * A + j] = x === null ? NaN : x; });
    packHist(wtsHist, i, bins, v);
  });
  return {
    epoch: c.epoch, costMs: c.costMs, act, actHist, unitSat, unitDead, grad, gradHist, wts, wtsHist,
    global: Float64Array.from([c.gradients.globalNorm, c.gradients.globalNormClipped]),
  };
}

export function unpackCollection(step: number, p: PackedCollection, layout: PackLayout, t = 0): CollectionEvent {
  let u = 0;
  const layers = layout.layers.map((l, i) => {
    const n = p.unitSat.length ? Math.min(l.units, p.unitSat.length - u) : 0;
    const s = summaryAt(p.act, i, p.actHist, layout.bins, ACT);
    const unitSaturated = Array.from(p.unitSat.subarray(u, u + n));
    const unitDead = Array.from(p.unitDead.subarray(u, u + n));
    u += n;
    return { ...s, layer: l.name, saturatedFrac: s.saturatedFrac, deadFrac: s.deadFrac, unitSaturated, unitDead };
  });
  const variables = layout.variables.map((v, i) => {
    const s = summaryAt(p.grad, i, p.gradHist, layout.bins, GRAD);
    return { ...s, variable: v.name, layer: v.layer, norm: s.norm, maxAbs: s.maxAbs };
  });
  const weights = layout.variables.map((v, i) => {
    const s = summaryAt(p.wts, i, p.wtsHist, layout.bins, WTS);
    return { ...s, variable: v.name, layer: v.layer, norm: s.norm, updateRatio: Number.isNaN(s.updateRatio) ? null : s.updateRatio };
  });
  return {
    v: 1, t, type: 'collection', step, epoch: p.epoch, costMs: p.costMs,
    activations: { layers },
    gradients: { globalNorm: p.global[0], globalNormClipped: p.global[1], variables },
    weights: { variables: weights },
  };
}
