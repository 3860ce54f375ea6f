// The gradients of a run per collection: the global norm before and after clipping, and each
// layer's gradient norm (all its variables together). Packed for the run library as the two
// global norms, then per trainable variable 10 statistics and the histogram.
import type { GradientsPayload } from '../../../../shared/instruments/gradients/definition.ts';
import { histSize, insertAt, insertIndex, n, writeHist, type RunLayout, type StoreKey } from '../framework/index.ts';

export interface GradientsStore {
  steps: number[];
  globalNorm: number[];
  globalNormClipped: number[];
  /** per layer, per collection: L2 norm of the layer's gradients; NaN for layers without variables */
  layerNorm: number[][];
}

const ROW = 10; // norm, mean, std, min, max, maxAbs, zeroFrac, nan, inf, count
const HEAD = 2; // globalNorm, globalNormClipped

export const gradientsStore: StoreKey<GradientsStore> = {
  id: 'gradients',
  create: (layout) => ({ steps: [], globalNorm: [], globalNormClipped: [], layerNorm: layout.layers.map(() => []) }),
};

export function packGradients(data: GradientsPayload, layout: RunLayout): Float32Array {
  const bins = layout.bins, row = ROW + histSize(bins);
  const f = new Float32Array(HEAD + layout.variables.length * row).fill(NaN);
  f[0] = n(data.globalNorm);
  f[1] = n(data.globalNormClipped);
  const byName = new Map(data.variables.map((v) => [v.variable, v]));
  layout.variables.forEach((ref, i) => {
    const g = byName.get(ref.name);
    if (!g) return;
    const o = HEAD + i * row;
    f[o] = n(g.norm); f[o + 1] = n(g.mean); f[o + 2] = n(g.std); f[o + 3] = n(g.min); f[o + 4] = n(g.max);
    f[o + 5] = n(g.maxAbs); f[o + 6] = n(g.zeroFrac); f[o + 7] = n(g.nan); f[o + 8] = n(g.inf); f[o + 9] = n(g.count);
    writeHist(f, o + ROW, bins, g.hist);
  });
  return f;
}

export function addGradients(store: GradientsStore, step: number, f: Float32Array, layout: RunLayout) {
  const at = insertIndex(store.steps, step);
  insertAt(store.steps, at, step);
  insertAt(store.globalNorm, at, f[0]);
  insertAt(store.globalNormClipped, at, f[1]);
  const row = ROW + histSize(layout.bins);
  const sq = new Float64Array(layout.layers.length).fill(NaN);
  layout.variables.forEach((ref, i) => {
    const norm = f[HEAD + i * row];
    sq[ref.layerIndex] = (Number.isNaN(sq[ref.layerIndex]) ? 0 : sq[ref.layerIndex]) + norm * norm;
  });
  store.layerNorm.forEach((col, i) => insertAt(col, at, Math.sqrt(sq[i])));
}
