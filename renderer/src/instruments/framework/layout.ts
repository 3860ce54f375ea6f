// The shape of a run's collections, fixed at its start: its layers, its trainable variables in
// gradient order, the histogram bins. Packing and unpacking read it instead of names in every record.
import type { RunStartEvent } from '../../../../shared/events.ts';
import type { LayerInfo } from '../../../../shared/layers.ts';

export interface RunLayout {
  layers: LayerInfo[];
  /** trainable variables in gradient order, with their layer's index */
  variables: { name: string; layer: string; layerIndex: number }[];
  bins: number;
}

const cache = new WeakMap<RunStartEvent, RunLayout>();

export function layoutOf(start: RunStartEvent): RunLayout {
  let l = cache.get(start);
  if (!l) {
    const layers = start.model.layers;
    l = {
      layers,
      variables: layers.flatMap((layer, layerIndex) => layer.variables.map((name) => ({ name, layer: layer.name, layerIndex }))),
      bins: start.spec.instruments.histogramBins,
    };
    cache.set(start, l);
  }
  return l;
}
