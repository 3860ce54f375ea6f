// The activations of a run, per layer and per collection, as the views draw them; packed for
// the run library layer after layer: 10 statistics, the histogram, then the recorded units'
// saturated fractions and dead flags.
import type { ActivationsPayload } from '../../../../shared/instruments/activations/definition.ts';
import { canDie, canSaturate, type LayerInfo } from '../../../../shared/layers.ts';
import { histSize, inLayoutOrder, insertAt, insertIndex, n, readHist, writeHist, type HistView, type RunLayout, type StoreKey } from '../framework/index.ts';

export interface ActivationSeries {
  saturatedFrac: number[];
  deadFrac: number[];
  mean: number[];
  std: number[];
  min: number[];
  max: number[];
  /** per collection, per recorded unit: fraction of the probe batch saturated */
  unitSaturated: Float32Array[];
  /** per collection, per recorded unit: 1 if dead */
  unitDead: Float32Array[];
  hist: HistView[];
}

export interface ActivationsStore { steps: number[]; layers: ActivationSeries[] }

const ROW = 10; // mean, std, min, max, zeroFrac, saturatedFrac, deadFrac, nan, inf, count
const layerSize = (l: LayerInfo, bins: number) => ROW + histSize(bins) + 2 * l.unitIndex.length;

export const activationsStore: StoreKey<ActivationsStore> = {
  id: 'activations',
  create: (layout) => ({
    steps: [],
    layers: layout.layers.map(() => ({ saturatedFrac: [], deadFrac: [], mean: [], std: [], min: [], max: [], unitSaturated: [], unitDead: [], hist: [] })),
  }),
};

export const activationsSize = (layout: RunLayout) => layout.layers.reduce((a, l) => a + layerSize(l, layout.bins), 0);

export function packActivations(data: ActivationsPayload, layout: RunLayout, f: Float32Array): void {
  const bins = layout.bins;
  const at = inLayoutOrder(data.layers, layout.layers, (l) => l.layer);
  let o = 0;
  layout.layers.forEach((info, i) => {
    const l = at(i);
    const u = info.unitIndex.length, size = layerSize(info, bins);
    if (!l) { f.fill(NaN, o, o + size); o += size; return; }
    f[o] = n(l.mean); f[o + 1] = n(l.std); f[o + 2] = n(l.min); f[o + 3] = n(l.max); f[o + 4] = n(l.zeroFrac);
    f[o + 5] = n(l.saturatedFrac); f[o + 6] = n(l.deadFrac); f[o + 7] = n(l.nan); f[o + 8] = n(l.inf); f[o + 9] = n(l.count);
    writeHist(f, o + ROW, bins, l.hist);
    const s = o + ROW + histSize(bins);
    for (let k = 0; k < u; k++) { f[s + k] = n(l.unitSaturated[k]); f[s + u + k] = n(l.unitDead[k]); }
    o += size;
  });
}

export function addActivations(store: ActivationsStore, step: number, f: Float32Array, layout: RunLayout) {
  const at = insertIndex(store.steps, step);
  insertAt(store.steps, at, step);
  const bins = layout.bins;
  let o = 0;
  layout.layers.forEach((info, i) => {
    const s = store.layers[i];
    const u = info.unitIndex.length;
    insertAt(s.mean, at, f[o]);
    insertAt(s.std, at, f[o + 1]);
    insertAt(s.min, at, f[o + 2]);
    insertAt(s.max, at, f[o + 3]);
    insertAt(s.saturatedFrac, at, f[o + 5]);
    insertAt(s.deadFrac, at, f[o + 6]);
    insertAt(s.hist, at, readHist(f, o + ROW, bins));
    const us = o + ROW + histSize(bins);
    insertAt(s.unitSaturated, at, f.subarray(us, us + u));
    insertAt(s.unitDead, at, f.subarray(us + u, us + 2 * u));
    o += layerSize(info, bins);
  });
}

/** The heatmap value of a layer: saturated fraction for squashing units, dead fraction for the ReLU family. */
export function heatValue(layer: LayerInfo, s: Pick<ActivationSeries, 'saturatedFrac' | 'deadFrac'>, k: number): number | null {
  if (canSaturate(layer.unitKind)) return s.saturatedFrac[k];
  if (canDie(layer.unitKind)) return s.deadFrac[k];
  return null;
}
