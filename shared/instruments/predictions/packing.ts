// Per-sample predictions of a split at one epoch, packed compactly: one Float32Array of blocks,
// each n long, in this order: predicted, loss, margin, pGiven, correct, then k blocks of top-k
// class indices, k blocks of their probabilities, then maxOther and labelIssue. Class indices
// are exact in float32. Runs recorded before the last two blocks existed unpack without them.
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
  /** the highest probability of any class but the given label (classification); null in older runs without the full probabilities at hand */
  maxOther: Float32Array | null;
  /** 1 where confident learning flags the given label as a likely issue; null where it was not computed (regression, older runs) */
  labelIssue: Float32Array | null;
}

const BASE_BLOCKS = 5;

export function packPredictions(p: Predictions, n: number, k: number): Float32Array {
  const blocks = [p.predicted, p.loss, p.margin, p.pGiven, p.correct, ...p.topIndex, ...p.topProb];
  // the two late blocks travel together, so their presence is told by the length alone
  if (p.maxOther && p.labelIssue) blocks.push(p.maxOther, p.labelIssue);
  const out = new Float32Array(n * blocks.length);
  blocks.forEach((b, i) => out.set(b.subarray(0, n), i * n));
  return out;
}

export function unpackPredictions(f: Float32Array, n: number, k: number): Predictions {
  const block = (i: number) => f.subarray(i * n, (i + 1) * n);
  const late = BASE_BLOCKS + 2 * k;
  const hasLate = n > 0 && f.length >= (late + 2) * n;
  const topIndex = Array.from({ length: k }, (_, j) => block(BASE_BLOCKS + j));
  const topProb = Array.from({ length: k }, (_, j) => block(BASE_BLOCKS + k + j));
  const pGiven = block(3);
  return {
    predicted: block(0), loss: block(1), margin: block(2), pGiven, correct: block(4), topIndex, topProb,
    maxOther: hasLate ? block(late) : null,
    labelIssue: hasLate ? block(late + 1) : null,
  };
}
