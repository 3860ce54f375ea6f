// Gradient clipping by global norm (all gradients rescaled together, so their direction is kept)
// and by value (each element to [-v, v]), in that order, as Keras applies them.
import * as tf from '@tensorflow/tfjs';

export function globalNorm(grads: tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) as tf.Scalar);
}

/** Returns new gradient tensors (the caller disposes the originals). */
export function clipGradients(grads: tf.NamedTensorMap, clip: { value?: number; globalNorm?: number }): tf.NamedTensorMap {
  return tf.tidy(() => {
    const names = Object.keys(grads);
    let list = names.map((n) => grads[n]);
    if (clip.globalNorm !== undefined) {
      const norm = globalNorm(list);
      // scale = c / max(norm, c): 1 when the norm is within the limit
      const scale = tf.div(clip.globalNorm, tf.maximum(norm, clip.globalNorm));
      list = list.map((g) => tf.mul(g, scale));
    }
    if (clip.value !== undefined) list = list.map((g) => tf.clipByValue(g, -clip.value!, clip.value!));
    const out: tf.NamedTensorMap = {};
    names.forEach((n, i) => { out[n] = list[i]; });
    return out;
  });
}
