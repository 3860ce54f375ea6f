// Mean |activation| of a layer at one collection. The instrument does not record it: it records
// the mean, the std, min, max and a histogram over [lo, hi]. Where the layer never goes below 0
// (ReLU family, sigmoid, softmax) |a| = a and the recorded mean is exact; otherwise the histogram
// gives it, each bin taken as uniform: |a| averaged over a bin that straddles 0 is (lo^2 + hi^2) / 2(hi - lo).
import type { HistView } from '../framework/index.ts';
import type { ActivationSeries } from './store.ts';

export function meanAbsFromHist(h: HistView | undefined): number {
  if (!h || !Number.isFinite(h.lo) || !Number.isFinite(h.hi)) return NaN;
  const bins = h.counts.length, w = (h.hi - h.lo) / bins;
  let sum = 0, count = 0;
  for (let b = 0; b < bins; b++) {
    const n = h.counts[b];
    if (!(n > 0)) continue;
    const a = h.lo + b * w, z = a + w;
    const meanAbs = a >= 0 ? (a + z) / 2 : z <= 0 ? -(a + z) / 2 : (a * a + z * z) / (2 * (z - a));
    sum += n * meanAbs;
    count += n;
  }
  return count ? sum / count : NaN;
}

export function meanAbsActivation(s: Pick<ActivationSeries, 'mean' | 'min' | 'hist'>, k: number): number {
  if (s.min[k] >= 0) return s.mean[k];
  return meanAbsFromHist(s.hist[k]);
}

// A layer's column of mean |activation| is read for every cell on every redraw (and once more for
// the scale's max): computed once per collection, kept per layer, extended as collections arrive.
const cache = new WeakMap<object, { values: number[]; last: unknown }>();

/** Mean |activation| of a layer at every collection, computed only for collections not seen before. */
export function meanAbsColumn(s: Pick<ActivationSeries, 'mean' | 'min' | 'hist'>): number[] {
  let c = cache.get(s);
  const n = s.hist.length;
  // a collection that arrived out of order lands mid-list and shifts the last one we computed
  const intact = c && c.values.length <= n && (c.values.length === 0 || s.hist[c.values.length - 1] === c.last);
  if (!c || !intact) { c = { values: [], last: undefined }; cache.set(s, c); }
  for (let k = c.values.length; k < n; k++) c.values.push(meanAbsActivation(s, k));
  c.last = s.hist[n - 1];
  return c.values;
}
