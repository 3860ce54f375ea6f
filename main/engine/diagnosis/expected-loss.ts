// The loss a model should start with (Karpathy, "verify loss @ init").
import type { RunSpec } from '../../../shared/spec.ts';

/** The loss of uniform predictions: -log(1/K) for K classes (softmax), log 2 for one sigmoid unit; null otherwise. */
export function expectedInitialLoss(spec: RunSpec, classes: number | null, outputUnits: number): number | null {
  if (classes === null) return null;
  if (spec.training.loss === 'categorical_crossentropy' && outputUnits === classes) return Math.log(classes);
  if (spec.training.loss === 'binary_crossentropy' && outputUnits === 1) return Math.log(2);
  return null;
}
