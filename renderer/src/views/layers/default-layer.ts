// Which layer the Layers view opens on: the one the diagnosis is about, else the first layer that
// learns. Flatten, dropout and pooling have no weights and change nothing worth a chart, so a
// picker that opens on them (flatten_1 in most image models) shows the least useful layer first.
import type { LayerInfo } from '../../../../shared/layers.ts';
import { isWeightedLayer } from '../../../../shared/layers.ts';
import type { Diagnosis } from '../../../../shared/diagnosis/diagnosis.ts';

/** The layers the diagnosis names, most important first: its cause's, then its groups' in order. */
function namedLayers(d: Diagnosis | null): string[] {
  if (!d) return [];
  return [...(d.cause?.layers ?? []), ...d.groups.flatMap((g) => g.layers)];
}

/** Layers that only reshape, drop or pool what comes in: never the one to open on. */
export function isPassThrough(l: Pick<LayerInfo, 'className'>): boolean {
  return /^(Flatten|Dropout|Reshape)$|Pooling/.test(l.className);
}

/** Index into `layers` of the layer to show first (0 when there are none). */
export function defaultLayer(layers: readonly LayerInfo[], diagnosis: Diagnosis | null): number {
  for (const name of namedLayers(diagnosis)) {
    const i = layers.findIndex((l) => l.name === name);
    if (i >= 0 && !isPassThrough(layers[i])) return i;
  }
  const learns = (l: LayerInfo) => l.trainable !== false && l.variables.length > 0;
  // a dense or convolution layer first (its kernel is what the charts are about), then any layer with weights (batch norm)
  const weighted = layers.findIndex((l) => learns(l) && isWeightedLayer(l.className));
  if (weighted >= 0) return weighted;
  const any = layers.findIndex(learns);
  return any >= 0 ? any : 0;
}
