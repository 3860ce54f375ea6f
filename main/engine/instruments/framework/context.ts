// The reduce context of a run: the model described as plain data (layers, variables, weight
// offsets, which layer feeds which) plus each instrument's options, built once at the start
// and sent to the statistics worker.
import type * as tf from '@tensorflow/tfjs';
import type { LayerInfo } from '../../../../shared/layers.ts';
import type { InstrumentsSpec } from '../../../../shared/spec.ts';
import type { ReduceContext, WeightRef } from './instrument.ts';
import { trackedVariables } from './variables.ts';
import { subset, type Dataset } from '../../data/dataset.ts';
import type { Splits } from '../../data/load.ts';

const sizeOf = (shape: (number | null)[]) => shape.reduce<number>((a, b) => a * (b ?? 1), 1);

export function reduceContext(model: tf.LayersModel, layers: LayerInfo[], instruments: InstrumentsSpec): ReduceContext {
  const owner = new Map<string, string>();
  for (const l of model.layers) for (const w of l.weights) owner.set(w.name, l.name);
  let offset = 0;
  const weights: WeightRef[] = model.weights.map((w) => {
    const size = sizeOf(w.shape);
    // original names (dense_1/kernel): tfjs suffixes registered names when a process builds the same model twice
    const ref = { name: w.originalName, layer: owner.get(w.name) ?? w.originalName.split('/')[0], shape: w.shape as number[], size, offset, trainable: w.trainable };
    offset += size;
    return ref;
  });
  const inputOf: Record<string, string | null> = {};
  for (const l of model.layers) {
    const inbound = l.inboundNodes[0]?.inboundLayers[0];
    inputOf[l.name] = inbound && inbound.getClassName() !== 'InputLayer' ? inbound.name : null;
  }
  const layerConfig: Record<string, Record<string, unknown>> = {};
  for (const l of model.layers) layerConfig[l.name] = JSON.parse(JSON.stringify(l.getConfig())); // plain data: it goes to a worker
  const options: Record<string, unknown> = { ...instruments };
  return {
    layers,
    trainable: trackedVariables(model, layers).map(({ name, layer, size, weightOffset }) => ({ name, layer, size, weightOffset })),
    weights,
    inputOf,
    layerConfig,
    histogramBins: instruments.histogramBins,
    options,
  };
}

/** The fixed probe batch the instruments measure on: the first probeBatchSize validation samples
 *  (training samples when there is no validation split). */
export function probeSet(data: Splits, probeBatchSize: number): Dataset {
  const source = data.validation.n > 0 ? data.validation : data.train;
  return subset(source, Array.from({ length: Math.min(probeBatchSize, source.n) }, (_, i) => i));
}
