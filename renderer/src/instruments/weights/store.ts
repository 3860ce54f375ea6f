// The weights of a run per collection: each layer's kernel update ratio |dW|/|W| and its kernel
// histogram after the update. Packed for the run library per trainable variable: 10 statistics
// (the update ratio NaN where undefined) and the histogram.
import type { WeightsPayload } from '../../../../shared/instruments/weights/definition.ts';
import { isKernel } from '../../../../shared/layers.ts';
import { histSize, insertAt, insertIndex, n, readHist, writeHist, type HistView, type RunLayout, type StoreKey } from '../framework/index.ts';

export interface WeightsStore {
  steps: number[];
  /** per layer, per collection: update ratio of the layer's kernel; NaN where undefined or without a kernel */
  updateRatio: number[][];
  /** per layer, per collection: histogram of the kernel after the update; null without a kernel */
  kernelHist: (HistView | null)[][];
}

const ROW = 10; // norm, mean, std, min, max, updateRatio, zeroFrac, nan, inf, count

export const weightsStore: StoreKey<WeightsStore> = {
  id: 'weights',
  create: (layout) => ({ steps: [], updateRatio: layout.layers.map(() => []), kernelHist: layout.layers.map(() => []) }),
};

export function packWeights(data: WeightsPayload, layout: RunLayout): Float32Array {
  const bins = layout.bins, row = ROW + histSize(bins);
  const f = new Float32Array(layout.variables.length * row).fill(NaN);
  const byName = new Map(data.variables.map((v) => [v.variable, v]));
  layout.variables.forEach((ref, i) => {
    const w = byName.get(ref.name);
    if (!w) return;
    const o = i * row;
    f[o] = n(w.norm); f[o + 1] = n(w.mean); f[o + 2] = n(w.std); f[o + 3] = n(w.min); f[o + 4] = n(w.max);
    f[o + 5] = n(w.updateRatio); f[o + 6] = n(w.zeroFrac); f[o + 7] = n(w.nan); f[o + 8] = n(w.inf); f[o + 9] = n(w.count);
    writeHist(f, o + ROW, bins, w.hist);
  });
  return f;
}

export function addWeights(store: WeightsStore, step: number, f: Float32Array, layout: RunLayout) {
  const at = insertIndex(store.steps, step);
  insertAt(store.steps, at, step);
  const row = ROW + histSize(layout.bins);
  const kernel = new Int32Array(layout.layers.length).fill(-1);
  layout.variables.forEach((ref, i) => { if (kernel[ref.layerIndex] < 0 && isKernel(ref.name)) kernel[ref.layerIndex] = i; });
  layout.layers.forEach((_, l) => {
    const k = kernel[l];
    insertAt(store.updateRatio[l], at, k < 0 ? NaN : f[k * row + 5]);
    insertAt(store.kernelHist[l], at, k < 0 ? null : readHist(f, k * row + ROW, layout.bins));
  });
}
