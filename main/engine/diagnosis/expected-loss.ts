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
 * Is an initial loss close enough to its expected value? Higher by more than `tolerance` times the
 * expected loss (and at least 1 nat: a binary output whose logits start with std 2-3, as Keras'
 * defaults give, is not a fault) means the output layer starts confidently wrong. Lower than half
 * the expected loss (and by 0.3 nats at least) means something leaks the answer.
 */
export function initialLossOk(loss: number, expected: number, tolerance: number): boolean {
  const d = loss - expected;
  return d >= 0 ? d <= Math.max(1, tolerance * expected) : -d <= Math.max(0.3, 0.5 * expected);
}
