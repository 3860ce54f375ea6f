// Confident learning (Northcutt, Jiang & Chuang, "Confident Learning: Estimating Uncertainty in
// Dataset Labels", JAIR 2021): which samples' given labels are likely wrong, from a model's
// out-of-sample predicted probabilities. Pure arithmetic on arrays, no tfjs, so the engine, the
// renderer and tests can all run it.
//
// Followed: cleanlab 2.9.0 (github.com/cleanlab/cleanlab, master at 7506257, January 2026):
//   count.get_confident_thresholds, count.compute_confident_joint, count.calibrate_confident_joint
//   (with internal.util.round_preserving_row_totals), count.estimate_joint,
//   count.num_label_issues(estimation_method='off_diagonal_calibrated') for `estimated` (not its
//   default 'off_diagonal', the raw off-diagonal count, which is lower: 314 against 518 on the
//   tests' 5,000-sample benchmark with 500 planted flips),
//   count.estimate_latent's noise matrix, and filter.find_label_issues with
//   filter_by='prune_by_noise_rate', frac_noise=1, min_examples_per_class=1 (_keep_at_least_n_per_class,
//   _prune_by_count and the final _reduce_issues step).
// Kept from cleanlab on purpose, because they change results:
//   - a probability counts as confident when p >= t - 1e-6 (cleanlab's slack for float ties);
//   - with two or more confident classes the row's argmax wins, even if the argmax itself is not
//     above its threshold;
//   - thresholds are clipped below at 2e-6, and a class nobody is labelled with gets threshold 2,
//     which no probability reaches;
//   - the diagonal of the confident joint is raised to at least 1 before calibrating (so every
//     class keeps a row to scale), and calibrated counts are rounded with round-half-to-even
//     while preserving row totals, as numpy does;
//   - the final step un-flags every sample whose given label is the argmax once 1e-6 is added to
//     the given label's probability (ties go to the given label).
// Deliberate differences:
//   - `confidentJoint` reports the raw counts; the floor of 1 on its diagonal is applied only
//     inside calibration, so its entries add up to the number of confidently counted samples.
//   - sorts are stable (ties by sample index, and by class index in the rounding), where numpy's
//     default argsort orders ties by whatever SIMD sort the CPU has: on a 5,000-sample test set
//     that moved 1-2 flags; with kind="stable" in its two argsorts cleanlab gives exactly this.
//   - the noise matrix is the column-normalised calibrated joint, without estimate_latent's clip
//     of noise rates at 0.9999 and its convergence step (they only matter when inverting it); a
//     class never estimated as true gets an identity column instead of cleanlab's zeros.
//   - NaN and infinite probabilities are read as 0 (cleanlab would propagate NaN and compare it
//     as false), so a broken row is never confident and never outranks a finite probability.
//   - n = 0 gives an all-zero joint (there is nothing to normalise) instead of an error.
//   - thresholds are float64 means of the float32 probabilities (numpy averages float32 in float32:
//     about 5e-8 apart, which changed no count in the tests' cross-checks against cleanlab).
// The probabilities must be out-of-sample (cross-validated or held out): cleanlab's own caveat.
// In-sample probabilities of a model that has memorised its noisy labels agree with those labels,
// and then nothing is flagged. Each row should be a distribution over the classes (a softmax); a
// binary model with one sigmoid output is given as two columns, [1 - p, p].

export interface LabelIssueInput {
  labels: ArrayLike<number>;   // given label per sample, integers 0..classes-1
  probs: Float32Array;         // out-of-sample predicted probabilities, n x classes, row-major
  classes: number;
}

export interface LabelIssues {
  /** per-class threshold t_j: mean predicted probability of class j over the samples labelled j */
  thresholds: number[];
  /** confident joint C[given][likelyTrue] (counts) */
  confidentJoint: number[][];
  /** calibrated joint Q[given][true], sums to 1 */
  joint: number[][];
  /** noise matrix P(given = i | true = j): noiseMatrix[i][j], each column sums to 1 (columns of classes never estimated as true are all 0 except the diagonal 1) */
  noiseMatrix: number[][];
  /** estimated number of label errors: n x (sum of the off-diagonal of the calibrated joint) */
  estimated: number;
  /** 1 = flagged as a likely label issue (prune by noise rate) */
  flagged: Uint8Array;
  flaggedCount: number;
  /** the class confident learning thinks is the true one, per sample (argmax of probs where none is above its threshold) */
  likelyTrue: Int32Array;
}

// cleanlab/internal/constants.py
const FLOATING_POINT_COMPARISON = 1e-6;
const CONFIDENT_THRESHOLDS_LOWER_BOUND = 2 * FLOATING_POINT_COMPARISON;
const MISSING_CLASS_THRESHOLD = 2; // cleanlab's BIG_VALUE: above any probability
const MIN_EXAMPLES_PER_CLASS = 1;  // find_label_issues' default

const square = (k: number, v = 0) => Array.from({ length: k }, () => new Array<number>(k).fill(v));

/** validates the input and returns n; the probabilities with NaN/Infinity read as 0 */
function prepare({ labels, probs, classes }: LabelIssueInput): { n: number; p: Float32Array } {
  if (!Number.isInteger(classes) || classes < 1) throw new Error(`classes must be a positive integer, got ${classes}`);
  const n = labels.length;
  if (probs.length !== n * classes) throw new Error(`probs has ${probs.length} values, expected ${n} samples x ${classes} classes = ${n * classes}`);
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= classes) throw new Error(`label of sample ${i} is ${y}, not an integer in 0..${classes - 1}`);
  }
  // copy only when needed: the usual input is clean and may be large
  let p = probs;
  for (let i = 0; i < probs.length; i++) {
    if (!Number.isFinite(probs[i])) {
      p = probs.map((v) => (Number.isFinite(v) ? v : 0));
      break;
    }
  }
  return { n, p };
}

/** numpy's argmax: the first index of the largest value */
function argmax(p: Float32Array, row: number, k: number, bonusClass = -1, bonus = 0): number {
  let best = 0;
  let bestV = -Infinity;
  for (let c = 0; c < k; c++) {
    const v = p[row * k + c] + (c === bonusClass ? bonus : 0);
    if (v > bestV) { best = c; bestV = v; }
  }
  return best;
}

/** numpy's round: half to even */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** cleanlab's round_preserving_sum: round each value, then move the rounding error, one unit at a
 *  time, onto the values whose remainders were largest (or smallest, when rounding went over) */
function roundPreservingSum(xs: number[]): number[] {
  const ints = xs.map(roundHalfEven);
  const target = roundHalfEven(xs.reduce((a, b) => a + b, 0));
  let sum = ints.reduce((a, b) => a + b, 0);
  while (sum !== target) {
    const inc = target > sum ? 1 : -1;
    const order = xs.map((_, i) => i).sort((a, b) => xs[a] - ints[a] - (xs[b] - ints[b]) || a - b);
    if (inc === 1) order.reverse();
    for (const i of order.slice(0, Math.min(Math.abs(target - sum), xs.length))) ints[i] += inc;
    sum = ints.reduce((a, b) => a + b, 0);
  }
  return ints;
}

export function findLabelIssues(input: LabelIssueInput): LabelIssues {
  const { labels, classes: k } = input;
  const { n, p } = prepare(input);

  // 1. Thresholds: a class's average self-confidence. A sample is "confidently" of class j when
  // p_j reaches t_j, so a class the model is generally unsure of still gets confident members.
  const labelCounts = new Array<number>(k).fill(0);
  const sums = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    labelCounts[labels[i]]++;
    sums[labels[i]] += p[i * k + labels[i]];
  }
  const thresholds = sums.map((s, j) =>
    labelCounts[j] === 0 ? MISSING_CLASS_THRESHOLD : Math.max(s / labelCounts[j], CONFIDENT_THRESHOLDS_LOWER_BOUND));

  // 2. Confident joint: count each sample with at least one confident class under
  // (given label, its confident class); several confident classes: the row's argmax.
  const confidentJoint = square(k);
  const likelyTrue = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let confident = 0;
    let only = -1;
    for (let c = 0; c < k; c++) {
      if (p[i * k + c] >= thresholds[c] - FLOATING_POINT_COMPARISON) { confident++; only = c; }
    }
    likelyTrue[i] = confident === 1 ? only : argmax(p, i, k);
    if (confident > 0) confidentJoint[labels[i]][likelyTrue[i]]++;
  }

  // 3. Calibration: the confident joint counts only a confident subset, so scale each row to the
  // number of samples given that label, then round to integer counts keeping row totals.
  const floored = confidentJoint.map((row, i) => row.map((v, j) => (i === j ? Math.max(v, 1) : v)));
  const scaled = floored.map((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (v / total) * labelCounts[i]);
  });
  // cleanlab then rescales the whole to sum to n; after the row scaling this is 1 up to rounding
  const scaledSum = scaled.flat().reduce((a, b) => a + b, 0);
  const calibrated = scaled.map((row) => roundPreservingSum(row.map((v) => (scaledSum > 0 ? (v / scaledSum) * n : 0))));

  // 4. Joint, noise matrix and the estimated number of label errors.
  const joint = calibrated.map((row) => row.map((v) => (n > 0 ? v / n : 0)));
  const noiseMatrix = square(k);
  for (let j = 0; j < k; j++) {
    let col = 0;
    for (let i = 0; i < k; i++) col += calibrated[i][j];
    for (let i = 0; i < k; i++) noiseMatrix[i][j] = col > 0 ? calibrated[i][j] / col : i === j ? 1 : 0;
  }
  let estimated = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) if (i !== j) estimated += calibrated[i][j];

  // 5. Prune by noise rate: among the samples given label g, calibrated[g][j] of them are
  // estimated to truly be j; flag that many, those with the largest margin p_j - p_g.
  const prune = keepAtLeastOnePerClass(calibrated);
  const members: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) members[labels[i]].push(i);
  const flagged = new Uint8Array(n);
  for (let g = 0; g < k; g++) {
    const m = members[g];
    if (m.length <= MIN_EXAMPLES_PER_CLASS) continue; // never empty a class
    const margin = new Float64Array(m.length);
    for (let j = 0; j < k; j++) {
      const count = prune[g][j];
      if (j === g || count <= 0) continue;
      for (let a = 0; a < m.length; a++) margin[a] = p[m[a] * k + j] - p[m[a] * k + g];
      flagLargest(margin, Math.min(count, m.length), m, flagged);
    }
  }

  // 6. A sample the model itself predicts as its given label is not an issue, whatever the counts
  // say (cleanlab's _reduce_issues, with its 1e-6 tie-break towards the given label).
  let flaggedCount = 0;
  for (let i = 0; i < n; i++) {
    if (flagged[i] && argmax(p, i, k, labels[i], FLOATING_POINT_COMPARISON) === labels[i]) flagged[i] = 0;
    flaggedCount += flagged[i];
  }

  return { thresholds, confidentJoint, joint, noiseMatrix, estimated, flagged, flaggedCount, likelyTrue };
}

/** flags the `count` members with the largest margins, ties by position (members are in sample
 *  order, so by sample index). Same result as a stable sort by margin descending, but through
 *  the native numeric sort of a copy to find the cut: a comparator sort for each pair of classes
 *  made the whole of findLabelIssues 4 times slower on 50,000 samples. */
function flagLargest(margin: Float64Array, count: number, members: number[], flagged: Uint8Array): void {
  if (count <= 0) return;
  const cut = margin.slice().sort()[margin.length - count]; // the count-th largest
  let left = count;
  for (let a = 0; a < margin.length; a++) if (margin[a] > cut) { flagged[members[a]] = 1; left--; }
  for (let a = 0; a < margin.length && left > 0; a++) if (margin[a] === cut) { flagged[members[a]] = 1; left--; }
}

/** cleanlab's _keep_at_least_n_per_class (n = 1, frac_noise = 1), on [given][true] rather than its
 *  transpose: a row whose diagonal rounded to 0 gets it raised to 1, taken evenly from that row's
 *  nonzero entries, then truncated to integers as cleanlab's astype(int) does. */
function keepAtLeastOnePerClass(calibrated: number[][]): number[][] {
  return calibrated.map((row, g) => {
    const diff = Math.max(row[g], MIN_EXAMPLES_PER_CLASS) - row[g];
    if (diff === 0) return row;
    const spread = Math.max(row.filter((v) => v !== 0).length - 1, 1);
    return row.map((v, j) => (j === g ? row[g] + diff : Math.trunc(Math.max(v - diff / spread, 0))));
  });
}

/** self-confidence ranking: indices sorted by p(given label) ascending (likeliest issues first), ties by index */
export function rankBySelfConfidence(input: LabelIssueInput): Int32Array {
  const { labels, classes: k } = input;
  const { n, p } = prepare(input);
  const self = new Float64Array(n);
  for (let i = 0; i < n; i++) self[i] = p[i * k + labels[i]];
  return Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => self[a] - self[b] || a - b);
}
