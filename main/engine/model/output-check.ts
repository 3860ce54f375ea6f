// Does the output layer produce what the loss expects? (A set-up check shared by the overfit check and the diagnosis.)
import type { RunSpec } from '../../../shared/spec.ts';

/** Why the last activation does not suit the loss, or null. */
export function outputMismatch(spec: RunSpec): string | null {
  const last = [...spec.model.layers].reverse().find((l) => l.type === 'dense' || l.type === 'conv2d' || l.type === 'activation');
  const act = last && 'activation' in last ? last.activation : 'linear';
  if (spec.training.loss === 'categorical_crossentropy' && act !== 'softmax') return `the output activation is ${act}, but categorical_crossentropy expects softmax probabilities`;
  if (spec.training.loss === 'binary_crossentropy' && act !== 'sigmoid') return `the output activation is ${act}, but binary_crossentropy expects a sigmoid probability`;
  return null;
}

