// A built tfjs model's weights in the neutral form, by the spec's layer names, so that a trained
// run can be written as Keras files (and folded) by the same writers an import reads.
import type * as tf from '@tensorflow/tfjs';
import type { LayerSpec } from '../../../shared/spec.ts';
import { layerName } from '../../../shared/layers.ts';
import type { ModelWeights, NeutralModel } from './types.ts';

/** Keras' names for a layer's arrays, in the order both Keras and tfjs keep them. */
function arrayNames(l: LayerSpec): string[] {
  if (l.type === 'dense' || l.type === 'conv2d') return l.useBias ? ['kernel', 'bias'] : ['kernel'];
  if (l.type === 'batchnorm') return ['gamma', 'beta', 'moving_mean', 'moving_variance'];
  return [];
}

/** `layers`: the spec's (as the run resolved them); each one's weights are read from the tfjs layer of its name. */
export function neutralFromTfjs(model: tf.LayersModel, layers: LayerSpec[], inputShape: number[]): NeutralModel {
  const weights: ModelWeights = {};
  const named = layers.map((l, i) => ({ ...l, name: layerName(l, i) }) as LayerSpec);
  for (const l of named) {
    const names = arrayNames(l);
    if (!names.length) continue;
    const values = model.getLayer(l.name!).getWeights();
    if (values.length !== names.length) throw new Error(`layer ${l.name}: ${values.length} weight arrays, expected ${names.length}`);
    weights[l.name!] = values.map((t, k) => ({ name: names[k], shape: [...t.shape], values: Float32Array.from(t.dataSync()) }));
  }
  return { inputShape, layers: named, weights };
}
