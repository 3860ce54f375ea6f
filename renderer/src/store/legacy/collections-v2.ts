// Run libraries of schema v2 stored the three collection instruments in one fixed struct per
// step. This reads such a record back into payloads, so the v3 upgrade can repack it the way
// the instruments pack themselves today. Nothing else reads this layout.
import type { Payloads } from '../../../../shared/instruments/framework/define.ts';
import type { RunStartEvent } from '../../../../shared/events.ts';

export interface PackedCollectionV2 {
  epoch: number;
  costMs: number;
  f: Float32Array;
  dead: Uint8Array;
  globalNorm: number;
  globalNormClipped: number;
}

const ROW = 10;

/** Offsets of each section in `f`. Histograms are (lo, hi, counts...) rows of bins + 2. */
export function sectionsV2(L: number, V: number, bins: number, units: number) {
  const h = bins + 2;
  const act = 0, actHist = act + L * ROW, unitSat = actHist + L * h, grad = unitSat + units;
  const gradHist = grad + V * ROW, wts = gradHist + V * h, wtsHist = wts + V * ROW, size = wtsHist + V * h;
  return { act, actHist, unitSat, grad, gradHist, wts, wtsHist, size, h };
}

export function isV2(c: unknown): c is PackedCollectionV2 {
  return typeof c === 'object' && c !== null && 'dead' in c && 'globalNorm' in c;
}

export function payloadsFromV2(p: PackedCollectionV2, start: RunStartEvent): Payloads {
  const layers = start.model.layers.map((l) => ({ name: l.name, units: l.unitIndex.length }));
  const variables = start.model.layers.flatMap((l) => l.variables.map((v) => ({ name: v, layer: l.name })));
  const bins = start.spec.instruments.histogramBins;
  const S = sectionsV2(layers.length, variables.length, bins, p.dead.length);
  const f = p.f;
  const hist = (o: number) => ({ lo: f[o], hi: f[o + 1], counts: Array.from(f.subarray(o + 2, o + 2 + bins)) });
  let u = 0;
  const acts = layers.map((l, i) => {
    const o = S.act + i * ROW, n = Math.min(l.units, p.dead.length - u);
    const r = {
      layer: l.name, mean: f[o], std: f[o + 1], min: f[o + 2], max: f[o + 3], zeroFrac: f[o + 4], saturatedFrac: f[o + 5],
      deadFrac: f[o + 6], nan: f[o + 7], inf: f[o + 8], count: f[o + 9], hist: hist(S.actHist + i * S.h),
      unitSaturated: Array.from(f.subarray(S.unitSat + u, S.unitSat + u + n)), unitDead: Array.from(p.dead.subarray(u, u + n)),
    };
    u += n;
    return r;
  });
  const grads = variables.map((v, i) => {
    const o = S.grad + i * ROW;
    return {
      variable: v.name, layer: v.layer, norm: f[o], mean: f[o + 1], std: f[o + 2], min: f[o + 3], max: f[o + 4], maxAbs: f[o + 5],
      zeroFrac: f[o + 6], nan: f[o + 7], inf: f[o + 8], count: f[o + 9], hist: hist(S.gradHist + i * S.h),
    };
  });
  const wts = variables.map((v, i) => {
    const o = S.wts + i * ROW;
    return {
      variable: v.name, layer: v.layer, norm: f[o], mean: f[o + 1], std: f[o + 2], min: f[o + 3], max: f[o + 4],
      updateRatio: Number.isNaN(f[o + 5]) ? null : f[o + 5], zeroFrac: f[o + 6], nan: f[o + 7], inf: f[o + 8], count: f[o + 9],
      hist: hist(S.wtsHist + i * S.h),
    };
  });
  return {
    activations: { v: 1, data: { layers: acts } },
    gradients: { v: 1, data: { globalNorm: p.globalNorm, globalNormClipped: p.globalNormClipped, variables: grads } },
    weights: { v: 1, data: { variables: wts } },
  };
}
