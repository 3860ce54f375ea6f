// The weights of a run per collection: each layer's kernel update ratio |dW|/|W| and its kernel
// histogram after the update. Packed for the run library per trainable variable: its statistics
// (its own value: the update ratio, NaN where undefined) and the histogram.
import type { WeightsPayload } from '../../../../shared/instruments/weights/definition.ts';
import { isKernel } from '../../../../shared/layers.ts';
import { insertAt, insertIndex, packVariableRows, readHist, VARIABLE_ROW, variableRowSize, type HistView, type RunLayout, type StoreKey } from '../framework/index.ts';

export interface WeightsStore {
  steps: number[];
  /** per layer, per collection: update ratio of the layer's kernel; NaN where undefined or without a kernel */
  updateRatio: number[][];
  /** per layer, per collection: histogram of the kernel after the update; null without a kernel */
  kernelHist: (HistView | null)[][];
}

/** the row's own value: the update ratio */
const OWN = 5;

export const weightsStore: StoreKey<WeightsStore> = {
  id: 'weights',
  create: (layout) => ({ steps: [], updateRatio: layout.layers.map(() => []), kernelHist: layout.layers.map(() => []) }),
};

export const weightsSize = (layout: RunLayout) => layout.variables.length * variableRowSize(layout.bins);

export function packWeights(data: WeightsPayload, layout: RunLayout, f: Float32Array): void {
  packVariableRows(f, 0, layout, data.variables, (w) => w.updateRatio);
}

export function addWeights(store: WeightsStore, step: number, f: Float32Array, layout: RunLayout) {
  const at = insertIndex(store.steps, step);
  insertAt(store.steps, at, step);
  const row = variableRowSize(layout.bins);
  const kernel = new Int32Array(layout.layers.length).fill(-1);
  layout.variables.forEach((ref, i) => { if (kernel[ref.layerIndex] < 0 && isKernel(ref.name)) kernel[ref.layerIndex] = i; });
  layout.layers.forEach((_, l) => {
    const k = kernel[l];
    insertAt(store.updateRatio[l], at, k < 0 ? NaN : f[k * row + OWN]);
    insertAt(store.kernelHist[l], at, k < 0 ? null : readHist(f, k * row + VARIABLE_ROW, layout.bins));
  });
}
