// One line per layer on the same chart: the layers that have variables, each in its own colour,
// the same layer in the same colour on every chart.
import { schemeTableau10 } from 'd3';
import type { LayerInfo } from '../../../shared/layers.ts';
import type { Series } from './line-model.ts';

export const layerColor = (i: number) => schemeTableau10[i % 10];

/** A series per layer with variables; `column(i)` gives layer i's values at the steps `x`. */
export function perLayerSeries(layers: LayerInfo[], x: ArrayLike<number>, column: (layer: number) => ArrayLike<number>): Series[] {
  return layers.map((l, i) => ({ l, i })).filter(({ l }) => l.variables.length > 0)
    .map(({ l, i }, k) => ({ name: l.name, color: layerColor(k), x, y: column(i) }));
}
