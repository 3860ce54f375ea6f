// Per-sample predictions of a split at one epoch, packed compactly: one Float32Array of blocks,
// each n long, in this order: predicted, loss, margin, pGiven, correct, then k blocks of top-k
// class indices and k blocks of their probabilities. Class indices are exact in float32.
// Regression: predicted is the predicted value, margin the residual (prediction - target),
// pGiven and the top-k blocks are absent (k = 0), correct is |residual| <= tolerance.

export interface Predictions {
  predicted: Float32Array;
  loss: Float32Array;
  /** top-1 minus top-2 probability (classification); residual (regression) */
  margin: Float32Array;
  /** probability the model gives the sample's given label: its self-confidence */
  pGiven: Float32Array;
  correct: Float32Array;
  topIndex: Float32Array[];
  topProb: Float32Array[];
}

export function packPredictions(p: Predictions, n: number, k: number): Float32Array {
  const out = new Float32Array(n * (5 + 2 * k));
  [p.predicted, p.loss, p.margin, p.pGiven, p.correct, ...p.topIndex, ...p.topProb].forEach((b, i) => out.set(b.subarray(0, n), i * n));
  return out;
}

export function unpackPredictions(f: Float32Array, n: number, k: number): Predictions {
  const block = (i: number) => f.subarray(i * n, (i + 1) * n);
  return {
    predicted: block(0), loss: block(1), margin: block(2), pGiven: block(3), correct: block(4),
    topIndex: Array.from({ length: k }, (_, j) => block(5 + j)),
    topProb: Array.from({ length: k }, (_, j) => block(5 + k + j)),
  };
}
