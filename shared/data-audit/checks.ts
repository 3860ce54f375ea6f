// The data checks of a data audit that need nothing but the numbers: exact duplicates within and
// across splits, single features that give the label away, and class balance. Pure TypeScript (no
// Node, no TensorFlow), so the engine, a worker or the page can run them on the splits it holds.

export type SplitName = 'train' | 'validation' | 'test';

export interface SplitData {
  name: SplitName;
  /** n * size values, row-major per sample */
  x: Float32Array;
  n: number;
  /** values per sample */
  size: number;
  /** n class indices, or null (regression, or labels not known) */
  labels: ArrayLike<number> | null;
}

export interface DuplicateGroup {
  /** the 64-bit hash of the samples' values, as 16 hex digits */
  hash: string;
  /** every sample with these exact values, in the order of the splits given, then by index */
  members: { split: SplitName; index: number }[];
}

export interface ExactDuplicates {
  /** every set of two or more samples (in any splits) whose values are identical */
  groups: DuplicateGroup[];
  /** training samples that repeat an earlier training sample (a group with k training members adds k - 1) */
  withinTrain: number;
  /** test samples identical to some training sample */
  testInTrain: number;
  /** validation samples identical to some training sample */
  validationInTrain: number;
  /** groups whose members carry different labels (the same input labelled two ways) */
  conflictingLabels: number;
}

// ---------------------------------------------------------------------------------------------
// Hashing. Two 32-bit lanes over the Uint32 words of the float32 values: murmur3's block step and
// an FNV-1a-per-word lane, each finished with murmur3's avalanche, so the two lanes are not
// derived from one another. Words are canonicalised first (-0 -> +0, every NaN -> one NaN), so
// samples that are equal value by value hash alike; `sameWords` compares the same canonical words.
//
// Measured once (bench/data-audit.ts, Node 20, one core of a shared 2-core machine): 60,000 +
// 10,000 samples x 784 random float32 values (Fashion-MNIST's size, 219 MB) with 700 planted
// copies: exactDuplicates takes 0.37 s in all, nearly all of it hashing.
// ---------------------------------------------------------------------------------------------

const NAN_WORD = 0x7fc00000;

function canon(w: number): number {
  if (w === 0x80000000) return 0; // -0
  if ((w & 0x7f800000) === 0x7f800000 && (w & 0x007fffff) !== 0) return NAN_WORD;
  return w;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The two 32-bit hash lanes of words[offset, offset + size), written to out[0] and out[1]. */
export function hashWords(words: Uint32Array, offset: number, size: number, out: Uint32Array | number[]) {
  let a = 0x9747b28c; // murmur3 lane
  let b = 0x811c9dc5; // FNV-1a lane (one word at a time)
  const end = offset + size;
  for (let i = offset; i < end; i++) {
    let w = words[i];
    // the common case (finite, not -0) skips canon's branches
    if ((w & 0x7f800000) === 0x7f800000 || w === 0x80000000) w = canon(w);
    let k = Math.imul(w, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    a ^= k;
    a = (a << 13) | (a >>> 19);
    a = (Math.imul(a, 5) + 0xe6546b64) | 0;
    b = Math.imul(b ^ w, 0x01000193);
  }
  out[0] = fmix(a ^ size);
  out[1] = fmix(b ^ Math.imul(size, 0x27d4eb2f));
}

/** Whether two samples hold the same values (after the canonicalisation the hash uses). */
export function sameWords(wa: Uint32Array, oa: number, wb: Uint32Array, ob: number, size: number): boolean {
  for (let i = 0; i < size; i++) {
    const x = wa[oa + i], y = wb[ob + i];
    if (x !== y && canon(x) !== canon(y)) return false;
  }
  return true;
}

function wordsOf(x: Float32Array): Uint32Array {
  return new Uint32Array(x.buffer, x.byteOffset, x.length);
}

const hex = (v: number) => (v >>> 0).toString(16).padStart(8, '0');

export interface ExactDuplicateOptions {
  /**
   * Replaces the hash (tests force collisions with it): the two lanes of a sample, written to out.
   * Samples are only ever grouped after their values were compared, so any hash is correct; a
   * poor one is only slow.
   */
  hash?: (words: Uint32Array, offset: number, size: number, out: Uint32Array) => void;
}

/**
 * Exact duplicates within and across splits: samples whose values are identical. Samples are
 * bucketed by a 64-bit hash of their float32 words and then compared value by value, so a hash
 * collision never reports a false pair. -0 equals +0; NaN equals NaN (a copied sample with a
 * missing value is still a copy).
 */
export function exactDuplicates(splits: SplitData[], opts: ExactDuplicateOptions = {}): ExactDuplicates {
  const hash = opts.hash ?? hashWords;
  const size = splits[0]?.size ?? 0;
  for (const s of splits) {
    if (s.size !== size) throw new Error(`split ${s.name} has ${s.size} values per sample, ${splits[0].name} has ${size}`);
    if (s.x.length < s.n * size) throw new Error(`split ${s.name} holds ${s.x.length} values, fewer than ${s.n} x ${size}`);
  }
  const words = splits.map((s) => wordsOf(s.x));
  const total = splits.reduce((a, s) => a + s.n, 0);
  // sample g (global index over the splits in order) -> its split and row
  const splitOf = new Uint8Array(total), rowOf = new Uint32Array(total);
  const lane2 = new Uint32Array(total);
  // lane 1 -> the first sample with it, then a chain through `next` (a hash bucket as a linked list)
  const first = new Map<number, number>();
  const next = new Int32Array(total).fill(-1);
  const tail = new Int32Array(total); // (read at a bucket's first sample only)
  // equal samples: each sample points at the representative of its class of identical samples
  const rep = new Int32Array(total).fill(-1);
  const h = new Uint32Array(2);

  let g = 0;
  for (let si = 0; si < splits.length; si++) {
    const w = words[si];
    for (let r = 0; r < splits[si].n; r++, g++) {
      splitOf[g] = si; rowOf[g] = r;
      hash(w, r * size, size, h);
      lane2[g] = h[1];
      const head = first.get(h[0]);
      if (head === undefined) { first.set(h[0], g); tail[g] = g; continue; }
      // walk the bucket: the first earlier representative with the same second lane and the same values
      for (let c = head; c !== -1; c = next[c]) {
        if (rep[c] === -1 && lane2[c] === h[1] && sameWords(words[splitOf[c]], rowOf[c] * size, w, r * size, size)) {
          rep[g] = c;
          break;
        }
      }
      next[tail[head]] = g;
      tail[head] = g;
    }
  }

  // gather the groups in order of their first member
  const groupOf = new Map<number, number[]>();
  for (let i = 0; i < total; i++) {
    if (rep[i] === -1) continue;
    let m = groupOf.get(rep[i]);
    if (!m) groupOf.set(rep[i], (m = [rep[i]]));
    m.push(i);
  }
  const reps = [...groupOf.keys()].sort((a, b) => a - b);
  const out: ExactDuplicates = { groups: [], withinTrain: 0, testInTrain: 0, validationInTrain: 0, conflictingLabels: 0 };
  for (const r0 of reps) {
    const members = groupOf.get(r0)!;
    hash(words[splitOf[r0]], rowOf[r0] * size, size, h);
    out.groups.push({ hash: hex(h[0]) + hex(h[1]), members: members.map((m) => ({ split: splits[splitOf[m]].name, index: rowOf[m] })) });
    let train = 0, test = 0, validation = 0;
    let label: number | undefined, conflict = false;
    for (const m of members) {
      const s = splits[splitOf[m]];
      if (s.name === 'train') train++;
      else if (s.name === 'test') test++;
      else validation++;
      if (s.labels) {
        const y = s.labels[rowOf[m]];
        if (label === undefined) label = y;
        else if (y !== label) conflict = true;
      }
    }
    out.withinTrain += Math.max(0, train - 1);
    if (train > 0) { out.testInTrain += test; out.validationInTrain += validation; }
    if (conflict) out.conflictingLabels++;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Label-revealing features
// ---------------------------------------------------------------------------------------------

export interface LeakingFeatureOptions {
  /** left-one-out accuracy from one feature alone at or above which it is reported (default 0.98) */
  minAccuracy?: number;
  /** a feature with at most this many distinct values is binned by value, else by quantiles (default 32) */
  maxUnique?: number;
  /** quantile bins of a feature with more distinct values (default: n / 20, between 8 and 256) */
  bins?: number;
  /** rows looked at, evenly spaced (default 2,000): a 60,000 x 784 table takes a minute whole */
  maxRows?: number;
}

export interface LeakingFeature {
  feature: number;
  /** left-one-out accuracy of predicting the majority label of the feature's value bin */
  accuracy: number;
  /** accuracy of always predicting the most common class */
  baseRate: number;
}

/** The bin of each sample's value of `feature`: by value when few distinct values, else by quantiles; NaN is a bin of its own. */
function binFeature(d: SplitData, feature: number, maxUnique: number, bins: number): { bin: Uint32Array; count: number; byValue: boolean } {
  const n = d.n, size = d.size;
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = d.x[i * size + feature];
  const sorted = v.slice().sort(); // numeric; NaN last
  let finite = n;
  while (finite > 0 && Number.isNaN(sorted[finite - 1])) finite--;
  // the bin edges: a value's bin is the number of edges at or below it
  const edges: number[] = [];
  let distinct = 0;
  for (let i = 0; i < finite && distinct <= maxUnique; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  if (distinct <= maxUnique) {
    for (let i = 1; i < finite; i++) if (sorted[i] !== sorted[i - 1]) edges.push(sorted[i]);
  } else {
    for (let k = 1; k < bins; k++) {
      const e = sorted[Math.floor((k * finite) / bins)];
      if (e !== edges[edges.length - 1] && e !== sorted[0]) edges.push(e);
    }
  }
  const nanBin = edges.length + 1;
  const bin = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (Number.isNaN(x)) { bin[i] = nanBin; continue; }
    let lo = 0, hi = edges.length; // first edge > x
    while (lo < hi) { const mid = (lo + hi) >> 1; if (edges[mid] <= x) lo = mid + 1; else hi = mid; }
    bin[i] = lo;
  }
  return { bin, count: nanBin + 1, byValue: distinct <= maxUnique };
}

/**
 * Leave-one-out nearest neighbour on one feature: how many samples carry the majority label of
 * the nearest *other* value of that feature. Equal values form one group and never vote for each
 * other: a split with repeated rows (oversampling) would otherwise give every feature a perfect
 * neighbour, its own copy. Ties of distance go to the lower value; NaN is never right.
 */
function nearestValueRight(d: SplitData, feature: number, y: Int32Array, classes: number): number {
  const order: number[] = [];
  const v = (i: number) => d.x[i * d.size + feature];
  for (let i = 0; i < d.n; i++) if (!Number.isNaN(v(i))) order.push(i);
  order.sort((a, b) => v(a) - v(b) || a - b);
  // runs of equal values, each with its majority label (the lowest class on a tie)
  const runStart: number[] = [], runLabel: number[] = [];
  const tally = new Uint32Array(classes);
  for (let k = 0; k < order.length;) {
    let e = k;
    tally.fill(0);
    while (e < order.length && v(order[e]) === v(order[k])) { const c = y[order[e]]; if (c >= 0) tally[c]++; e++; }
    let best = 0;
    for (let c = 1; c < classes; c++) if (tally[c] > tally[best]) best = c;
    runStart.push(k);
    runLabel.push(tally[best] > 0 ? best : -1);
    k = e;
  }
  let right = 0;
  for (let r = 0; r < runStart.length; r++) {
    const value = v(order[runStart[r]]);
    const dl = r > 0 ? value - v(order[runStart[r - 1]]) : Infinity;
    const dr = r + 1 < runStart.length ? v(order[runStart[r + 1]]) - value : Infinity;
    if (dl === Infinity && dr === Infinity) continue; // one value only: no neighbour
    const label = dr < dl ? runLabel[r + 1] : runLabel[r - 1];
    const end = r + 1 < runStart.length ? runStart[r + 1] : order.length;
    for (let k = runStart[r]; k < end; k++) if (label >= 0 && y[order[k]] === label) right++;
  }
  return right;
}

/** Evenly spaced rows of `d`, at most `max`: the leak check's cost grows with rows x features (a sort per feature). */
function evenRows(d: SplitData, max: number): SplitData {
  if (d.n <= max) return d;
  const x = new Float32Array(max * d.size), labels = d.labels ? new Float32Array(max) : null;
  for (let k = 0; k < max; k++) {
    const i = Math.floor((k * d.n) / max);
    x.set(d.x.subarray(i * d.size, (i + 1) * d.size), k * d.size);
    if (labels) labels[k] = d.labels![i];
  }
  return { ...d, x, n: max, labels };
}

/**
 * Single features whose value alone predicts the label almost perfectly (tabular data: an id that
 * follows the class, a column computed from the target). Per feature, the accuracy of predicting
 * the majority label of the sample's value bin, against the majority-class base rate.
 *
 * The accuracy is left-one-out (each sample is predicted by its bin's majority among the other
 * samples), so a feature with many small bins does not fit the labels by chance: a sample alone
 * in its bin is predicted as the majority class. A feature is reported when that accuracy is
 * at least `minAccuracy` and it removes at least half the base rate's errors (on a 99%-majority
 * split, every feature reaches 98%). Sorted by accuracy, best first. Regression data (no labels)
 * yields none.
 */
export function leakingFeatures(all: SplitData, classes: number, opts: LeakingFeatureOptions = {}): LeakingFeature[] {
  // (a leak shows in any few thousand rows: evenly spaced ones keep a table's order and its class shares)
  const d = evenRows(all, opts.maxRows ?? 2000);
  const minAccuracy = opts.minAccuracy ?? 0.98;
  const maxUnique = opts.maxUnique ?? 32;
  const bins = opts.bins ?? Math.max(8, Math.min(256, Math.floor(d.n / 20)));
  const labels = d.labels;
  if (!labels || d.n < 2 || classes < 2) return [];
  const y = new Int32Array(d.n);
  for (let i = 0; i < d.n; i++) {
    const c = labels[i];
    y[i] = Number.isInteger(c) && c >= 0 && c < classes ? c : -1; // an unknown label is never predicted right
  }
  const { counts } = classBalance(d, classes);
  const majority = counts.indexOf(Math.max(...counts));
  const baseRate = counts[majority] / d.n;

  const found: LeakingFeature[] = [];
  for (let f = 0; f < d.size; f++) {
    const { bin, count, byValue } = binFeature(d, f, maxUnique, bins);
    const tally = new Uint32Array(count * classes); // label counts per (bin, class)
    for (let i = 0; i < d.n; i++) if (y[i] >= 0) tally[bin[i] * classes + y[i]]++;
    // per bin: the majority class c1 (lowest index on ties) with its count m1, and the best count m2
    // among the other classes, at c2
    const c1 = new Int32Array(count), m1 = new Uint32Array(count), c2 = new Int32Array(count).fill(classes), m2 = new Uint32Array(count);
    for (let b = 0; b < count; b++) {
      const at = b * classes;
      for (let c = 0; c < classes; c++) {
        const t = tally[at + c];
        if (t > m1[b] || c === 0) { if (c > 0) { m2[b] = m1[b]; c2[b] = c1[b]; } m1[b] = t; c1[b] = c; }
        else if (t > m2[b] || c2[b] === classes) { m2[b] = t; c2[b] = c; }
      }
    }
    // leave-one-out: sample i is predicted by its bin's majority without itself (an empty bin
    // predicts the majority class); only the bin's majority class can still be predicted right
    let right = 0;
    for (let i = 0; i < d.n; i++) {
      const b = bin[i], c = y[i];
      if (c !== c1[b]) continue;
      const own = m1[b] - 1;
      if (own === 0 && m2[b] === 0) { if (c === majority) right++; }
      else if (own > m2[b] || (own === m2[b] && c < c2[b])) right++;
    }
    // a continuous feature whose classes sit in separate ranges (a label times 10 plus noise) can
    // straddle quantile bins at the class borders: its nearest neighbour in value says it instead
    // (not for a feature of few values: among equal values the nearest is arbitrary)
    const accuracy = Math.max(right, byValue ? 0 : nearestValueRight(d, f, y, classes)) / d.n;
    if (accuracy >= minAccuracy && 1 - accuracy <= (1 - baseRate) / 2) found.push({ feature: f, accuracy, baseRate });
  }
  return found.sort((a, b) => b.accuracy - a.accuracy || a.feature - b.feature);
}

// ---------------------------------------------------------------------------------------------
// Class balance
// ---------------------------------------------------------------------------------------------

export interface ClassBalance {
  /** samples per class */
  counts: number[];
  /** the largest class's count over the smallest present one's (1 when one class or none is present) */
  imbalance: number;
  /** classes with no sample in this split */
  missing: number[];
  /** labels that are not a class index in [0, classes) (not counted above) */
  invalid: number;
}

/** Samples per class in one split, and the ratio of the largest class to the smallest present. */
export function classBalance(d: SplitData, classes: number): ClassBalance {
  const counts = new Array<number>(Math.max(0, classes)).fill(0);
  let invalid = 0;
  if (d.labels) {
    for (let i = 0; i < d.n; i++) {
      const c = d.labels[i];
      if (Number.isInteger(c) && c >= 0 && c < classes) counts[c]++;
      else invalid++;
    }
  }
  const present = counts.filter((c) => c > 0);
  const imbalance = present.length ? Math.max(...present) / Math.min(...present) : 1;
  const missing = counts.flatMap((c, k) => (c === 0 ? [k] : []));
  return { counts, imbalance, missing, invalid };
}
