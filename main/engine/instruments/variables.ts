// The trainable variables the gradient and weight instruments report on, in one fixed order,
// with the layer that owns each.
import * as tf from '@tensorflow/tfjs';
import type { LayerInfo } from '../../../shared/events.ts';

export interface TrackedVariable { name: string; layer: string; size: number; variable: tf.Variable }

export function trackedVariables(model: tf.LayersModel, layers: LayerInfo[]): TrackedVariable[] {
  const owner = new Map<string, string>();
  for (const l of layers) for (const v of l.variables) owner.set(v, l.name);
  return model.trainableWeights.map((w) => ({
    name: w.name,
    layer: owner.get(w.name) ?? w.name.split('/')[0],
    size: w.shape.reduce<number>((a, b) => a * (b ?? 1), 1),
    variable: w.read() as tf.Variable,
  }));
}

/** All tensors flattened into one, so the device is read once. */
export function concatFlat(tensors: tf.Tensor[]): tf.Tensor1D {
  return tf.tidy(() => tf.concat(tensors.map((t) => t.reshape([-1]))) as tf.Tensor1D);
}
