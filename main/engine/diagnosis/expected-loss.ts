// The loss a model should start with (Karpathy, "verify loss @ init").
import type { RunSpec } from '../../../shared/spec.ts';

/** The loss of uniform predictions: -log(1/K) for K classes (softmax), log 2 for one sigmoid unit; null otherwise. */
export function expectedInitialLoss(spec: RunSpec, classes: number | null, outputUnits: number): number | null {
  if (classes === null) return null;
  if (spec.training.loss === 'categorical_crossentropy' && outputUnits === classes) return Math.log(classes);
  if (spec.training.loss === 'binary_crossentropy' && outputUnits === 1) return Math.log(2);
  return null;
}

/**
 * Is an initial loss close enough to its expected value? Further off than `tolerance` times the
 * expected loss (and at least 0.3 nats, so small K does not flag noise) means the output layer
 * starts confidently wrong (too high) or something leaks the answer (too low).
 */
export function initialLossOk(loss: number, expected: number, tolerance: number): boolean {
  return Math.abs(loss - expected) <= Math.max(0.3, tolerance * expected);
}
