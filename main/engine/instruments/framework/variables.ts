// The variables the instruments report on. Gradients come in trainable-variable order; weights
// are read as all of the model's weights (trainable and not, e.g. batch-norm moving statistics)
// so a copy of the model elsewhere can be brought up to date from one array.
import * as tf from '@tensorflow/tfjs';
import type { LayerInfo } from '../../../../shared/layers.ts';

export interface TrackedVariable {
  name: string;
  layer: string;
  size: number;
  variable: tf.Variable;
  /** where this variable starts in the flat array of all the model's weights */
  weightOffset: number;
}

export function trackedVariables(model: tf.LayersModel, layers: LayerInfo[]): TrackedVariable[] {
  const owner = new Map<string, string>();
  for (const l of layers) for (const v of l.variables) owner.set(v, l.name);
  // Reports use a variable's original name (dense_1/kernel): tfjs suffixes the registered name
  // (dense_1/kernel_3) when a process builds the same model more than once.
  const offsets = new Map<string, number>();
  let offset = 0;
  for (const w of model.weights) {
    offsets.set(w.name, offset);
    offset += w.shape.reduce<number>((a, b) => a * (b ?? 1), 1);
  }
  return model.trainableWeights.map((w) => ({
    name: w.originalName,
    layer: owner.get(w.originalName) ?? w.originalName.split('/')[0],
    size: w.shape.reduce<number>((a, b) => a * (b ?? 1), 1),
    variable: w.read() as tf.Variable,
    weightOffset: offsets.get(w.name)!,
  }));
}

/** All tensors flattened into one, so the device is read once. */
export function concatFlat(tensors: tf.Tensor[]): tf.Tensor1D {
  if (!tensors.length) return tf.zeros([0]) as tf.Tensor1D; // a fully frozen model has no gradients
  return tf.tidy(() => tf.concat(tensors.map((t) => t.reshape([-1]))) as tf.Tensor1D);
}

/** Every weight of the model (model.weights order) as one flat device tensor. */
export function allWeightsFlat(model: tf.LayersModel): tf.Tensor1D {
  return concatFlat(model.weights.map((w) => w.read()));
}
