// The gradients of a run per collection: the global norm before and after clipping, and each
// layer's gradient norm (all its variables together). Packed for the run library as the two
// global norms, then per trainable variable its statistics (its own value: max |g|) and histogram.
import type { GradientsPayload } from '../../../../shared/instruments/gradients/definition.ts';
import { insertAt, insertIndex, n, packVariableRows, variableRowSize, type RunLayout, type StoreKey } from '../framework/index.ts';

export interface GradientsStore {
  steps: number[];
  globalNorm: number[];
  globalNormClipped: number[];
  /** per layer, per collection: L2 norm of the layer's gradients; NaN for layers without variables */
  layerNorm: number[][];
}

const HEAD = 2; // globalNorm, globalNormClipped

export const gradientsStore: StoreKey<GradientsStore> = {
  id: 'gradients',
  create: (layout) => ({ steps: [], globalNorm: [], globalNormClipped: [], layerNorm: layout.layers.map(() => []) }),
};

export const gradientsSize = (layout: RunLayout) => HEAD + layout.variables.length * variableRowSize(layout.bins);

export function packGradients(data: GradientsPayload, layout: RunLayout, f: Float32Array): void {
  f[0] = n(data.globalNorm);
  f[1] = n(data.globalNormClipped);
  packVariableRows(f, HEAD, layout, data.variables, (g) => g.maxAbs);
}

export function addGradients(store: GradientsStore, step: number, f: Float32Array, layout: RunLayout) {
  const at = insertIndex(store.steps, step);
  insertAt(store.steps, at, step);
  insertAt(store.globalNorm, at, f[0]);
  insertAt(store.globalNormClipped, at, f[1]);
  const row = variableRowSize(layout.bins);
  const sq = new Float64Array(layout.layers.length);
  const has = new Uint8Array(layout.layers.length); // a layer without variables has no norm (NaN); a NaN norm stays NaN
  layout.variables.forEach((ref, i) => {
    const norm = f[HEAD + i * row];
    sq[ref.layerIndex] += norm * norm;
    has[ref.layerIndex] = 1;
  });
  store.layerNorm.forEach((col, i) => insertAt(col, at, has[i] ? Math.sqrt(sq[i]) : NaN));
}
