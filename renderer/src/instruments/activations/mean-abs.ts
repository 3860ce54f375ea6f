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
