// Bulk reductions in plain JS over values read back from the device once per collection.
// One pass for moments and range, one for the histogram: cheaper on wasm/cpu than the same
// reductions as tf ops (measured, see environment.md).
import type { TensorSummary } from '../../../shared/instruments/histogram.ts';

export function summarize(a: ArrayLike<number>, start: number, end: number, bins: number): TensorSummary {
  let n = 0, nan = 0, inf = 0, zeros = 0;
  let sum = 0, sumSq = 0, min = Infinity, max = -Infinity;
  for (let i = start; i < end; i++) {
    const v = a[i];
    if (v !== v) { nan++; continue; }
    if (v === Infinity || v === -Infinity) { inf++; continue; }
    n++;
    sum += v;
    sumSq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v === 0) zeros++;
  }
  const total = end - start;
  const mean = n ? sum / n : 0;
  const variance = n ? Math.max(0, sumSq / n - mean * mean) : 0;
  if (!n) { min = 0; max = 0; }
  return {
    count: total, mean, std: Math.sqrt(variance), min, max,
    zeroFrac: total ? zeros / total : 0, nan, inf,
    hist: histogram(a, start, end, min, max, bins),
  };
}

export function histogram(a: ArrayLike<number>, start: number, end: number, lo: number, hi: number, bins: number) {
  const counts = new Array<number>(bins).fill(0);
  const width = hi - lo;
  if (width <= 0) {
    // All finite values equal: put them in one bin so the histogram still sums to the count.
    let n = 0;
    for (let i = start; i < end; i++) if (Number.isFinite(a[i])) n++;
    counts[0] = n;
    return { lo, hi, counts };
  }
  const scale = bins / width;
  for (let i = start; i < end; i++) {
    const v = a[i];
    if (!(v >= lo && v <= hi)) continue; // drops NaN and Inf
    let b = ((v - lo) * scale) | 0;
    if (b >= bins) b = bins - 1;
    counts[b]++;
  }
  return { lo, hi, counts };
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

/** Evenly spaced indices of at most `max` of `n` units, always including the first. */
export function sampleUnits(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let k = 0; k < max; k++) out.push(Math.floor((k * n) / max));
  return out;
}
