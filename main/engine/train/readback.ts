// The one boundary where tensors become plain numbers (as tfjs-layers' resolveScalarsInLogs):
// each read is one transfer from the device, and what comes back is the caller's own copy.
import * as tf from '@tensorflow/tfjs';

/** A tensor's values as a Float32Array the caller owns; disposes the tensor. */
export async function readFlat(t: tf.Tensor): Promise<Float32Array> {
  // A copy: the cpu backend's data() can hand out a variable's own buffer, and these may go to a worker.
  const v = ((await t.data()) as Float32Array).slice();
  t.dispose();
  return v;
}

/** Several scalars in one transfer. The tensors stay the caller's to dispose. */
export async function readScalars(scalars: tf.Tensor[]): Promise<number[]> {
  if (scalars.length === 1) return Array.from(await scalars[0].data());
  const stacked = tf.stack(scalars);
  const v = await stacked.data();
  stacked.dispose();
  return Array.from(v);
}
