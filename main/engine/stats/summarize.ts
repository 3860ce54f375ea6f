// Bulk reductions over values read back from the device once per collection: one pass for
// moments and range, one for the histogram. Float32 ranges go to our WebAssembly SIMD kernels
// (stats-kernels.ts: 5-10x faster than these loops); the JavaScript loops take the rest, and any
// range holding a NaN or an infinity. Both cheaper on wasm/cpu than the same reductions as tf ops
// (measured, see environment.md).
import type { TensorSummary } from '../../../shared/instruments/framework/summary.ts';
import { squaredChange, stage, stagedHistogram, stagedMoments } from './stats-kernels.ts';

export interface Moments { n: number; nan: number; inf: number; zeros: number; sum: number; sumSq: number; min: number; max: number }

/** One pass: count, NaN/Inf, zeros, sum, sum of squares, range of the finite values. */
export function moments(a: ArrayLike<number>, start: number, end: number): Moments {
  return (stage(a, start, end) && stagedMoments()) || jsMoments(a, start, end);
}

function jsMoments(a: ArrayLike<number>, start: number, end: number): Moments {
  const m = finiteMoments(a, start, end);
  // a NaN or an infinity anywhere makes the sums non-finite (finite float32 values cannot
  // overflow a double's sum of squares): only then count them, and leave them out, in a second pass
  return Number.isFinite(m.sum) && Number.isFinite(m.sumSq) ? m : momentsSkippingNonFinite(a, start, end);
}

// Hot loop (up to millions of values per collection), kept branch-free and in its own small
// function: V8 optimised it 2x worse when it shared a body with the histogram, 3x worse with the
// non-finite test inside, and 3-5x worse with `if (v < min) min = v` in place of the selects
// (3.4 against 1.1 ms for 235k random values, node 22, measured).
function finiteMoments(a: ArrayLike<number>, start: number, end: number): Moments {
  let zeros = 0, sum = 0, sumSq = 0, min = Infinity, max = -Infinity;
  for (let i = start; i < end; i++) {
    const v = a[i];
    sum += v;
    sumSq += v * v;
    min = v < min ? v : min;
    max = v > max ? v : max;
    zeros += v === 0 ? 1 : 0;
  }
  const n = end - start;
  return n ? { n, nan: 0, inf: 0, zeros, sum, sumSq, min, max } : { n, nan: 0, inf: 0, zeros, sum, sumSq, min: 0, max: 0 };
}

/** The same moments with NaN and +-Infinity counted and left out of the sums and the range. */
function momentsSkippingNonFinite(a: ArrayLike<number>, start: number, end: number): Moments {
  let nonFinite = 0, nan = 0, zeros = 0;
  let sum = 0, sumSq = 0, min = Infinity, max = -Infinity;
  for (let i = start; i < end; i++) {
    const v = a[i];
    if (v - v !== 0) { // NaN or +-Infinity
      nonFinite++;
      if (v !== v) nan++;
      continue;
    }
    sum += v;
    sumSq += v * v;
    min = v < min ? v : min;
    max = v > max ? v : max;
    zeros += v === 0 ? 1 : 0;
  }
  const n = end - start - nonFinite;
  return n ? { n, nan, inf: nonFinite - nan, zeros, sum, sumSq, min, max } : { n, nan, inf: nonFinite - nan, zeros, sum, sumSq, min: 0, max: 0 };
}

/** Summary statistics plus the L2 norm (NaN when any value is not finite), from the same pass. */
export function summarizeWithNorm(a: ArrayLike<number>, start: number, end: number, bins: number): TensorSummary & { norm: number } {
  const { summary, sumSq } = summaryOf(a, start, end, bins);
  return { ...summary, norm: summary.nan + summary.inf ? NaN : Math.sqrt(sumSq) };
}

export function summarize(a: ArrayLike<number>, start: number, end: number, bins: number): TensorSummary {
  return summaryOf(a, start, end, bins).summary;
}

function summaryOf(a: ArrayLike<number>, start: number, end: number, bins: number): { summary: TensorSummary; sumSq: number } {
  // (staged once: the kernels read the moments and the histogram from the same copy)
  const fast = stage(a, start, end) ? stagedMoments() : null; // (null: a NaN or an infinity among them)
  const m = fast ?? jsMoments(a, start, end);
  const total = end - start;
  const mean = m.n ? m.sum / m.n : 0;
  const variance = m.n ? Math.max(0, m.sumSq / m.n - mean * mean) : 0;
  // (the kernel bins only finite values within their own range: what the kernel's moments vouch for)
  const counts = fast && m.max > m.min ? stagedHistogram(m.min, m.max, bins) : null;
  const summary: TensorSummary = {
    count: total, mean, std: Math.sqrt(variance), min: m.min, max: m.max,
    zeroFrac: total ? m.zeros / total : 0, nan: m.nan, inf: m.inf,
    hist: counts ? { lo: m.min, hi: m.max, counts: Array.from(counts) } : histogram(a, start, end, m.min, m.max, bins),
  };
  return { summary, sumSq: m.sumSq };
}

export function histogram(a: ArrayLike<number>, start: number, end: number, lo: number, hi: number, bins: number) {
  const counts = hi > lo ? binValues(a, start, end, lo, hi, bins) : constantBins(a, start, end, bins);
  return { lo, hi, counts: Array.from(counts) };
}

// The binning loop lives alone in a small function: V8 optimised it several times worse when it
// shared a body with another loop (measured: 2.9 ms vs 0.5 ms for 235k values). Four interleaved
// count tables, one per lane of four consecutive values: neighbours that fall in the same bin do
// not wait on each other's increment (2-2.5x faster than one table: 0.6 against 1.45 ms for 235k
// values, measured). The slot past the last bin holds the values equal to hi. A value is in range
// by comparing it with lo and hi, not its scaled offset with the bin count: (hi - lo) * scale can
// round to just above `bins`, and the maximum then fell out of its own histogram (it did: one
// value in a thousand-odd went missing for some ranges).
function binValues(a: ArrayLike<number>, start: number, end: number, lo: number, hi: number, bins: number): Float64Array {
  const stride = bins + 1;
  const c = new Int32Array(stride * 4);
  const scale = bins / (hi - lo);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    // false for NaN and Inf, which are counted apart; (v - lo) * scale truncates to at most `bins`
    const v0 = a[i], v1 = a[i + 1], v2 = a[i + 2], v3 = a[i + 3];
    if (v0 >= lo && v0 <= hi) c[((v0 - lo) * scale) | 0]++;
    if (v1 >= lo && v1 <= hi) c[stride + (((v1 - lo) * scale) | 0)]++;
    if (v2 >= lo && v2 <= hi) c[2 * stride + (((v2 - lo) * scale) | 0)]++;
    if (v3 >= lo && v3 <= hi) c[3 * stride + (((v3 - lo) * scale) | 0)]++;
  }
  for (; i < end; i++) {
    const v = a[i];
    if (v >= lo && v <= hi) c[((v - lo) * scale) | 0]++;
  }
  const counts = new Float64Array(bins);
  for (let b = 0; b <= bins; b++) counts[b < bins ? b : bins - 1] += c[b] + c[stride + b] + c[2 * stride + b] + c[3 * stride + b];
  return counts;
}

/** All finite values equal: put them in one bin so the histogram still sums to the count. */
function constantBins(a: ArrayLike<number>, start: number, end: number, bins: number): Float64Array {
  const counts = new Float64Array(bins);
  for (let i = start; i < end; i++) { const v = a[i]; if (v - v === 0) counts[0]++; }
  return counts;
}

/** L2 norm of a[start..end), ignoring nothing: a NaN anywhere makes the norm NaN, as it should. */
export function l2norm(a: ArrayLike<number>, start: number, end: number): number {
  let s = 0;
  for (let i = start; i < end; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/** L2 norm of (b - a) over the same range. */
export function l2diff(a: ArrayLike<number>, b: ArrayLike<number>, start: number, end: number): number {
  let s = 0;
  for (let i = start; i < end; i++) { const d = b[i] - a[i]; s += d * d; }
  return Math.sqrt(s);
}

/** |b - a| / |a| over the same range in one pass; null when |a| is 0 (the ratio is undefined). */
export function relativeChange(a: ArrayLike<number>, b: ArrayLike<number>, start: number, end: number): number | null {
  const fast = squaredChange(a, b, start, end);
  if (fast) return fast.a2 > 0 ? Math.sqrt(fast.d2 / fast.a2) : null;
  let d2 = 0, a2 = 0;
  for (let i = start; i < end; i++) { const x = a[i], d = b[i] - x; d2 += d * d; a2 += x * x; }
  return a2 > 0 ? Math.sqrt(d2 / a2) : null;
}

/** Evenly spaced indices of at most `max` of `n` units, always including the first. */
export function sampleUnits(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let k = 0; k < max; k++) out.push(Math.floor((k * n) / max));
  return out;
}
