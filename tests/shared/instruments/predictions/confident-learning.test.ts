// Confident learning (cleanlab's prune_by_noise_rate): a hand-worked example with every number,
// cleanlab's edge-case rules, a seeded noisy-label benchmark, and the invariants on all of them.
import { describe, expect, it } from 'vitest';
import {
  findLabelIssues, rankBySelfConfidence, type LabelIssueInput, type LabelIssues,
} from '../../../../shared/instruments/predictions/confident-learning.ts';
import { mulberry32 } from '../../../../shared/random.ts';

const input = (labels: number[], rows: number[][]): LabelIssueInput =>
  ({ labels, probs: Float32Array.from(rows.flat()), classes: rows[0]?.length ?? 3 });
const indices = (mask: Uint8Array) => [...mask].flatMap((f, i) => (f ? [i] : []));
const argmax = (p: Float32Array, i: number, k: number) => {
  let best = 0;
  for (let c = 1; c < k; c++) if (p[i * k + c] > p[i * k + best]) best = c;
  return best;
};

/** the invariants every result keeps */
function expectInvariants(inp: LabelIssueInput, r: LabelIssues) {
  const n = inp.labels.length;
  const k = inp.classes;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  if (n > 0) expect(sum(r.joint.flat())).toBeCloseTo(1, 12);
  for (let j = 0; j < k; j++) expect(sum(r.noiseMatrix.map((row) => row[j]))).toBeCloseTo(1, 12);
  for (const v of [...r.joint.flat(), ...r.noiseMatrix.flat()]) expect(v).toBeGreaterThanOrEqual(0);
  // the calibrated joint keeps the given labels' distribution in its row sums
  const counts = Array.from({ length: k }, (_, c) => Array.from(inp.labels).filter((y) => y === c).length);
  if (n > 0) r.joint.forEach((row, c) => expect(sum(row) * n).toBeCloseTo(counts[c], 9));
  expect(r.estimated).toBeGreaterThanOrEqual(0);
  expect(r.estimated).toBeLessThanOrEqual(n);
  expect(Number.isInteger(r.estimated)).toBe(true);
  expect(r.flagged.length).toBe(n);
  expect(r.flaggedCount).toBe(sum([...r.flagged]));
  expect(r.likelyTrue.length).toBe(n);
  const p = inp.probs.map((v) => (Number.isFinite(v) ? v : 0));
  for (let i = 0; i < n; i++) {
    if (argmax(p, i, k) === inp.labels[i]) expect(r.flagged[i], `sample ${i} is predicted as its label`).toBe(0);
    expect(r.likelyTrue[i]).toBeGreaterThanOrEqual(0);
    expect(r.likelyTrue[i]).toBeLessThan(k);
  }
  // confidently counted samples never exceed n
  expect(sum(r.confidentJoint.flat())).toBeLessThanOrEqual(n);
}

describe('a hand-worked example: 3 classes, 12 samples', () => {
  // sample  given  p0    p1    p2     confident (p >= t - 1e-6)   likelyTrue
  //  0      0      .90   .05   .05    0                           0
  //  1      0      .80   .10   .10    0                           0
  //  2      0      .70   .20   .10    0                           0
  //  3      0      .15   .80   .05    1                           1   (a flip: truly 1)
  //  4      0      .45   .10   .45    2 (p0 < .6, p2 >= .4)       2
  //  5      1      .10   .80   .10    1                           1
  //  6      1      .20   .70   .10    1                           1
  //  7      1      .00   .55   .45    1 and 2 -> the row's argmax 1
  //  8      1      .70   .10   .20    0                           0   (a flip: truly 0)
  //  9      2      .10   .10   .80    2                           2
  // 10      2      .00   .70   .30    1                           1   (a flip: truly 1)
  // 11      2      .45   .45   .10    none: not counted           0   (argmax, first of a tie)
  //
  // Thresholds (mean self-confidence per given class):
  //   t0 = (.9 + .8 + .7 + .15 + .45) / 5 = 3.0 / 5 = .6
  //   t1 = (.8 + .7 + .55 + .1) / 4 = 2.15 / 4 = .5375
  //   t2 = (.8 + .3 + .1) / 3 = 1.2 / 3 = .4
  // Confident joint C[given][likelyTrue], over the confidently counted samples:
  //   row 0: s0 s1 s2 -> [0][0]=3, s3 -> [0][1]=1, s4 -> [0][2]=1     [3 1 1]
  //   row 1: s5 s6 s7 -> [1][1]=3, s8 -> [1][0]=1                     [1 3 0]
  //   row 2: s9 -> [2][2]=1, s10 -> [2][1]=1 (s11 not counted)        [0 1 1]
  // Calibration: each row scaled to its label count (5, 4, 3); the diagonals are already >= 1.
  //   row 0: [3 1 1] / 5 * 5 = [3 1 1];  row 1: [1 3 0] / 4 * 4 = [1 3 0]
  //   row 2: [0 1 1] / 2 * 3 = [0 1.5 1.5] -> half-to-even [0 2 2] sums to 4, not 3: take 1 from
  //          the smallest remainder (-.5, -.5: the first, class 1) -> [0 1 2]
  //   total 12 = n, so the second rescale changes nothing. Joint = calibrated / 12.
  // Estimated errors: off-diagonal 1 + 1 + 1 + 0 + 0 + 1 = 4.
  // Noise matrix (columns of the calibrated counts, normalised):
  //   col 0: [3 1 0] / 4,  col 1: [1 3 1] / 5,  col 2: [1 0 2] / 3
  // Prune by noise rate, per given class g and true class j != g with count calibrated[g][j]:
  //   g=0, j=1, 1 sample by largest p1 - p0: s3 (.65)        g=0, j=2, 1 by p2 - p0: s4 (0) over s3 (-.1)
  //   g=1, j=0, 1 by p0 - p1: s8 (.6)                         g=1, j=2: 0
  //   g=2, j=1, 1 by p1 - p2: s10 (.4) over s11 (.35)         g=2, j=0: 0
  // Then s4 is un-flagged: its argmax is its given label 0 (p0 = p2, the tie goes to the given label).
  // Flagged: s3, s8, s10.
  const rows = [
    [0.9, 0.05, 0.05], [0.8, 0.1, 0.1], [0.7, 0.2, 0.1], [0.15, 0.8, 0.05], [0.45, 0.1, 0.45],
    [0.1, 0.8, 0.1], [0.2, 0.7, 0.1], [0, 0.55, 0.45], [0.7, 0.1, 0.2],
    [0.1, 0.1, 0.8], [0, 0.7, 0.3], [0.45, 0.45, 0.1],
  ];
  const labels = [0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2];
  const inp = input(labels, rows);
  const r = findLabelIssues(inp);

  it('thresholds, confident joint and likely true classes', () => {
    expect(r.thresholds[0]).toBeCloseTo(0.6, 6);
    expect(r.thresholds[1]).toBeCloseTo(0.5375, 6);
    expect(r.thresholds[2]).toBeCloseTo(0.4, 6);
    expect(r.confidentJoint).toEqual([[3, 1, 1], [1, 3, 0], [0, 1, 1]]);
    expect([...r.likelyTrue]).toEqual([0, 0, 0, 1, 2, 1, 1, 1, 0, 2, 1, 0]);
  });

  it('calibrated joint, noise matrix and the estimated number of errors', () => {
    const calibrated = [[3, 1, 1], [1, 3, 0], [0, 1, 2]];
    r.joint.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(calibrated[i][j] / 12, 12)));
    const noise = [[3 / 4, 1 / 5, 1 / 3], [1 / 4, 3 / 5, 0], [0, 1 / 5, 2 / 3]];
    r.noiseMatrix.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(noise[i][j], 12)));
    expect(r.estimated).toBe(4);
  });

  it('flags s3, s8 and s10 (s4 was pruned, then un-flagged as predicted to be its label)', () => {
    expect(indices(r.flagged)).toEqual([3, 8, 10]);
    expect(r.flaggedCount).toBe(3);
    expectInvariants(inp, r);
  });

  it('ranks by self-confidence, ties by index', () => {
    // p(given): .9 .8 .7 .15 .45 | .8 .7 .55 .1 | .8 .3 .1
    expect([...rankBySelfConfidence(inp)]).toEqual([8, 11, 3, 10, 4, 7, 2, 6, 1, 5, 9, 0]);
  });
});

describe("cleanlab's rules at the edges", () => {
  it('counts a probability a hair below its threshold as confident (the 1e-6 slack)', () => {
    // t0 = mean(f32 .8, f32 .6) = 0.70000002; sample 2 has p0 = f32 .7 = 0.69999999, below it by
    // 3e-8, and is counted as confidently 0 only thanks to cleanlab's slack.
    const inp = input([0, 0, 1, 1, 1], [[0.8, 0.2], [0.6, 0.4], [0.7, 0.3], [0.3, 0.7], [0.3, 0.7]]);
    const r = findLabelIssues(inp);
    expect(inp.probs[4]).toBeLessThan(r.thresholds[0]);
    // s0 is confidently 0; s1 (p0 = .6, p1 = .4) is confident in nothing; t1 = (.3 + .7 + .7) / 3 = .567
    // makes s3 and s4 confidently 1. Calibrated: [1 0] -> [2 0], [1 2] stays: one estimated error,
    // s2, pruned by the largest p0 - p1 (.4) and not predicted as its label 1: flagged.
    expect(r.confidentJoint).toEqual([[1, 0], [1, 2]]);
    expect(r.likelyTrue[2]).toBe(0);
    expect(r.joint).toEqual([[2 / 5, 0], [1 / 5, 2 / 5]]);
    expect(r.estimated).toBe(1);
    expect(indices(r.flagged)).toEqual([2]);
    expectInvariants(inp, r);
  });

  it('gives a class nobody is labelled with threshold 2, an empty row and column, and an identity noise column', () => {
    const inp = input([0, 0, 1, 1], [[0.9, 0.05, 0.05], [0.1, 0.1, 0.8], [0.1, 0.8, 0.1], [0, 0, 1]]);
    const r = findLabelIssues(inp);
    expect(r.thresholds[2]).toBe(2);
    expect(r.confidentJoint.map((row) => row[2])).toEqual([0, 0, 0]); // p2 = 1 is still not confident
    expect(r.joint[2]).toEqual([0, 0, 0]);
    expect(r.noiseMatrix.map((row) => row[2])).toEqual([0, 0, 1]);
    expectInvariants(inp, r);
  });

  it('n = 0: nothing to count, an all-zero joint and identity noise matrix', () => {
    const inp: LabelIssueInput = { labels: [], probs: new Float32Array(0), classes: 3 };
    const r = findLabelIssues(inp);
    expect(r.thresholds).toEqual([2, 2, 2]);
    expect(r.confidentJoint).toEqual([[0, 0, 0], [0, 0, 0], [0, 0, 0]]);
    expect(r.joint).toEqual([[0, 0, 0], [0, 0, 0], [0, 0, 0]]);
    expect(r.noiseMatrix).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(r.estimated).toBe(0);
    expect(r.flaggedCount).toBe(0);
    expect(r.flagged.length).toBe(0);
    expect(r.likelyTrue.length).toBe(0);
    expect(rankBySelfConfidence(inp).length).toBe(0);
  });

  it('all rows below every threshold (all-zero or all-NaN probabilities): nothing counted, nothing flagged', () => {
    for (const v of [0, NaN]) {
      const inp: LabelIssueInput = { labels: [0, 1, 2, 1, 0], probs: new Float32Array(15).fill(v), classes: 3 };
      const r = findLabelIssues(inp);
      expect(r.thresholds).toEqual([2e-6, 2e-6, 2e-6]); // cleanlab's lower bound
      expect(r.confidentJoint.flat().every((c) => c === 0)).toBe(true);
      expect(r.estimated).toBe(0); // the floored diagonal, scaled to the label counts
      expect(r.flaggedCount).toBe(0);
      expect([...r.likelyTrue]).toEqual([0, 0, 0, 0, 0]); // the argmax of a row of zeros
      expectInvariants(inp, r);
    }
  });

  it('reads NaN and infinite probabilities as 0', () => {
    const rows = [
      [0.9, 0.05, 0.05], [0.8, 0.1, 0.1], [0.15, 0.8, 0.05], [0.1, 0.8, 0.1], [0.2, 0.7, 0.1], [0.7, 0.1, 0.2],
      [0.1, 0.1, 0.8], [0, 0.7, 0.3], [0.2, 0.1, 0.7],
    ];
    const labels = [0, 0, 0, 1, 1, 1, 2, 2, 2];
    const clean = input(labels, rows);
    const broken = input(labels, rows);
    broken.probs[0 * 3 + 1] = NaN; // was .05
    broken.probs[5 * 3 + 1] = -Infinity; // was .1
    clean.probs[0 * 3 + 1] = 0;
    clean.probs[5 * 3 + 1] = 0;
    const before = Float32Array.from(broken.probs);
    const r = findLabelIssues(broken);
    expect(r).toEqual(findLabelIssues(clean));
    expect(r.thresholds.every(Number.isFinite)).toBe(true);
    expect(broken.probs).toEqual(before); // the input is not modified
    expect([...rankBySelfConfidence(broken)]).toEqual([...rankBySelfConfidence(clean)]);
    broken.probs[5 * 3 + 1] = NaN; // sample 5's self-confidence (given 1) is NaN: read as 0, it ranks first
    expect(rankBySelfConfidence(broken)[0]).toBe(5);
  });

  it('never flags the only sample of a class (min_examples_per_class = 1), though it is counted as an error', () => {
    // s0 (given 0) is confident in 0 (t0 = .1) and in 1 (.9 >= t1 = .8): argmax 1 -> C[0][1] = 1.
    // Row 0 floored to [1 1], scaled to 1 sample: [.5 .5] -> [0 0] -> +1 to the larger remainder,
    // ties to the last index -> [0 1]: one estimated error. It is not flagged (its argmax is 1, so
    // not for that): a class of one sample is never pruned, and besides, cleanlab's
    // _keep_at_least_n_per_class raises the diagonal of 0 back to 1, taking the 1 off class 1.
    // cleanlab 2.9.0 gives the same (its raw confident joint reads [[1 1] [0 4]]: the floored diagonal).
    const inp = input([0, 1, 1, 1, 1], [[0.1, 0.9], [0.2, 0.8], [0.2, 0.8], [0.2, 0.8], [0.2, 0.8]]);
    const r = findLabelIssues(inp);
    expect(r.confidentJoint).toEqual([[0, 1], [0, 4]]);
    expect(r.joint).toEqual([[0, 0.2], [0, 0.8]]);
    expect(r.estimated).toBe(1);
    expect(r.flaggedCount).toBe(0);
    expectInvariants(inp, r);
  });

  it('leaves a class at least one sample: a calibrated diagonal of 0 is raised back to 1 before pruning', () => {
    // Both samples given 0 are confidently something else: s0 -> 1, s1 -> 2 (confident in 0 and 2,
    // argmax 2). Row 0 [0 1 1], floored [1 1 1], scaled to 2 samples: [.67 .67 .67] -> [1 1 1] is 3,
    // one too many: the first smallest remainder loses 1 -> [0 1 1]. Two estimated errors, but
    // _keep_at_least_n_per_class makes row 0 [1 0 0] (1 taken evenly off the two noise counts and
    // truncated), so nothing is pruned. cleanlab 2.9.0 gives the same (flags none).
    const inp = input([0, 0, 1, 1, 1, 2, 2, 2], [[0.05, 0.9, 0.05], [0.15, 0.05, 0.8], ...Array(3).fill([0.1, 0.8, 0.1]), ...Array(3).fill([0.1, 0.1, 0.8])]);
    const r = findLabelIssues(inp);
    expect(r.confidentJoint).toEqual([[0, 1, 1], [0, 3, 0], [0, 0, 3]]);
    expect(r.joint.map((row) => row.map((v) => v * 8))).toEqual([[0, 1, 1], [0, 3, 0], [0, 0, 3]]);
    expect(r.estimated).toBe(2);
    expect(r.flaggedCount).toBe(0);
    expectInvariants(inp, r);
  });

  it('prunes by margin, not by which sample was counted, and breaks margin ties by sample index', () => {
    // t = [.53125 .5625 .75] (binary fractions, exact in float32). s3 is the sample counted as
    // confidently 1 (p1 = .625 >= .5625), s2 is confident in nothing; row 0 [2 1 0] calibrates to
    // [3 1 0], so one sample given 0 is pruned towards 1: the largest p1 - p0, which is .25 for
    // both s2 and s3. The earlier, s2, is flagged. cleanlab 2.9.0 with a stable argsort flags s2
    // too; with numpy's default argsort it flagged s3 on this machine (its ties follow the CPU's sort).
    const inp = input([0, 0, 0, 0, 1, 1, 2, 2], [
      [0.75, 0.125, 0.125], [0.75, 0.125, 0.125], [0.25, 0.5, 0.25], [0.375, 0.625, 0],
      [0.125, 0.5625, 0.3125], [0.125, 0.5625, 0.3125], [0.125, 0.125, 0.75], [0.125, 0.125, 0.75],
    ]);
    const r = findLabelIssues(inp);
    expect(r.thresholds).toEqual([0.53125, 0.5625, 0.75]);
    expect(r.confidentJoint).toEqual([[2, 1, 0], [0, 2, 0], [0, 0, 2]]);
    expect(r.joint.map((row) => row.map((v) => v * 8))).toEqual([[3, 1, 0], [0, 2, 0], [0, 0, 2]]);
    expect(indices(r.flagged)).toEqual([2]);
    expectInvariants(inp, r);
  });

  it('refuses inputs that do not fit', () => {
    expect(() => findLabelIssues({ labels: [0, 1], probs: new Float32Array(3), classes: 2 })).toThrow(/4/);
    expect(() => findLabelIssues({ labels: [0, 2], probs: new Float32Array(4), classes: 2 })).toThrow(/sample 1 is 2/);
    expect(() => findLabelIssues({ labels: [0, 0.5], probs: new Float32Array(4), classes: 2 })).toThrow(/sample 1/);
    expect(() => rankBySelfConfidence({ labels: [0], probs: new Float32Array(0), classes: 0 })).toThrow(/classes/);
  });
});

// ---- a seeded noisy-label benchmark ----

/** standard normal draws by Box-Muller */
function normal(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

interface Synthetic { inp: LabelIssueInput; truth: Int32Array; flipped: Uint8Array; flips: number; accuracy: number }

/** n samples over k classes; the "model" sees a class score of `signal` for the true class (and
 *  `confusion` for its confusable neighbour (y + 1) % k) plus unit Gaussian noise, and outputs the
 *  softmax. Then `rate` of the labels are flipped: uniformly to another class, or to the neighbour. */
function synthetic(o: { n: number; k: number; seed: number; signal: number; confusion?: number; rate: number; to: 'uniform' | 'confusable' }): Synthetic {
  const rand = mulberry32(o.seed);
  const gauss = normal(rand);
  const { n, k } = o;
  const truth = Int32Array.from({ length: n }, () => Math.floor(rand() * k));
  const probs = new Float32Array(n * k);
  let correct = 0;
  const z = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const y = truth[i];
    for (let c = 0; c < k; c++) z[c] = gauss() + (c === y ? o.signal : c === (y + 1) % k ? (o.confusion ?? 0) : 0);
    const max = Math.max(...z);
    let s = 0;
    for (let c = 0; c < k; c++) s += Math.exp(z[c] - max);
    let best = 0;
    for (let c = 0; c < k; c++) {
      probs[i * k + c] = Math.exp(z[c] - max) / s;
      if (z[c] > z[best]) best = c;
    }
    if (best === y) correct++;
  }
  // flip exactly round(rate * n) samples, chosen by a partial Fisher-Yates shuffle
  const flips = Math.round(o.rate * n);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < flips; i++) {
    const j = i + Math.floor(rand() * (n - i));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const labels = Array.from(truth);
  const flipped = new Uint8Array(n);
  for (let f = 0; f < flips; f++) {
    const i = order[f];
    labels[i] = o.to === 'confusable' ? (truth[i] + 1) % k : (truth[i] + 1 + Math.floor(rand() * (k - 1))) % k;
    flipped[i] = 1;
  }
  return { inp: { labels, probs, classes: k }, truth, flipped, flips, accuracy: correct / n };
}

function score(s: Synthetic) {
  const r = findLabelIssues(s.inp);
  let hits = 0;
  for (let i = 0; i < s.flipped.length; i++) if (r.flagged[i] && s.flipped[i]) hits++;
  const ranked = rankBySelfConfidence(s.inp).subarray(0, s.flips);
  const topHits = [...ranked].filter((i) => s.flipped[i]).length;
  return { r, precision: hits / r.flaggedCount, recall: hits / s.flips, precisionAtK: topHits / s.flips };
}

describe('a seeded noisy-label benchmark: 5,000 samples, 10 classes, 10% flipped', () => {
  // Measured (seeded, so exact): the thresholds sit a little below. Other seeds of the same
  // settings moved precision and recall by up to about 0.05 (uniform) and 0.09 (confusable).
  it('uniform flips: a model 87% accurate; flagged precision 0.787, recall 0.822; self-confidence precision@500 0.872', () => {
    const s = synthetic({ n: 5000, k: 10, seed: 7, signal: 2.8, rate: 0.1, to: 'uniform' });
    const { r, precision, recall, precisionAtK } = score(s);
    expect(s.accuracy).toBeCloseTo(0.8714, 4);
    expect(precision).toBeGreaterThan(0.75);
    expect(recall).toBeGreaterThan(0.78);
    expect(precisionAtK).toBeGreaterThan(0.84);
    // 554 estimated for 500 planted flips, 522 flagged
    expect(r.estimated).toBeGreaterThan(450);
    expect(r.estimated).toBeLessThan(650);
    expectInvariants(s.inp, r);
  });

  it('flips to the most confusable class: a model 88% accurate; flagged precision 0.789, recall 0.890; precision@500 0.756', () => {
    // Class-conditional noise that agrees with the model's own confusion (y -> y + 1) is harder
    // for a plain self-confidence ranking than for the noise-rate pruning, which learns from the
    // confident joint how much of each class went where.
    const s = synthetic({ n: 5000, k: 10, seed: 11, signal: 3, confusion: 1, rate: 0.1, to: 'confusable' });
    const { r, precision, recall, precisionAtK } = score(s);
    expect(s.accuracy).toBeCloseTo(0.8766, 4);
    expect(precision).toBeGreaterThan(0.75);
    expect(recall).toBeGreaterThan(0.85);
    expect(precisionAtK).toBeGreaterThan(0.72);
    // the noise matrix finds the structure: P(given = y + 1 | true = y) is the largest noise rate of every column
    for (let y = 0; y < 10; y++) {
      const column = r.noiseMatrix.map((row) => row[y]);
      const noise = column.map((v, i) => (i === y ? -1 : v));
      expect(noise.indexOf(Math.max(...noise)), `true class ${y}`).toBe((y + 1) % 10);
    }
    expectInvariants(s.inp, r);
  });

  it('binary: 2,000 samples, a model 92% accurate; flagged precision 0.723, recall 0.835', () => {
    const s = synthetic({ n: 2000, k: 2, seed: 3, signal: 2, rate: 0.1, to: 'uniform' });
    const { r, precision, recall, precisionAtK } = score(s);
    expect(precision).toBeGreaterThan(0.7);
    expect(recall).toBeGreaterThan(0.8);
    expect(precisionAtK).toBeGreaterThan(0.77); // measured 0.795
    expectInvariants(s.inp, r);
  });

  it('a clean dataset with well-separated probabilities flags nothing', () => {
    const s = synthetic({ n: 5000, k: 10, seed: 1, signal: 6, rate: 0, to: 'uniform' });
    const r = findLabelIssues(s.inp);
    expect(s.accuracy).toBe(1);
    expect(r.flaggedCount).toBe(0);
    expect(r.estimated).toBe(0);
    expectInvariants(s.inp, r);
    // with an imperfect model (87%) and still no flips, what is flagged are the model's confident
    // mistakes: measured 70 of 5,000 (1.4%)
    const imperfect = synthetic({ n: 5000, k: 10, seed: 1, signal: 2.8, rate: 0, to: 'uniform' });
    expect(findLabelIssues(imperfect.inp).flaggedCount).toBeLessThan(100);
  });
});

describe('agreement with cleanlab', () => {
  it('gives what cleanlab 2.9.0 gives on a seeded dataset (400 samples, 4 classes)', () => {
    // Expected values from cleanlab's own code (count.compute_confident_joint, num_label_issues
    // with 'off_diagonal_calibrated', filter.find_label_issues with n_jobs=1) run on these very
    // probabilities, with its two argsorts made stable (kind="stable"): numpy's default argsort
    // orders ties by the CPU's SIMD sort, and on a 5,000-sample dataset that moved 1-2 flags.
    const s = synthetic({ n: 400, k: 4, seed: 5, signal: 2, rate: 0.1, to: 'uniform' });
    const r = findLabelIssues(s.inp);
    expect(r.confidentJoint).toEqual([[49, 1, 3, 0], [1, 66, 5, 2], [4, 2, 52, 2], [1, 5, 3, 52]]);
    const calibrated = [[91, 2, 5, 0], [2, 98, 7, 3], [7, 3, 85, 3], [1, 8, 5, 80]];
    r.joint.forEach((row, i) => row.forEach((v, j) => expect(v * 400).toBeCloseTo(calibrated[i][j], 9)));
    expect(r.estimated).toBe(46);
    expect(indices(r.flagged)).toEqual([
      37, 45, 58, 64, 78, 81, 88, 123, 125, 151, 152, 164, 166, 170, 185, 194, 195, 196, 198, 205, 219, 223, 225, 228,
      238, 240, 246, 251, 266, 267, 284, 287, 294, 302, 306, 307, 330, 334, 339, 362, 363, 373, 392,
    ]);
    expectInvariants(s.inp, r);
  });
});
