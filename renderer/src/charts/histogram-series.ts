// A histogram drawn by the line chart: one bar-like series at the bins' centres.
import type { Series } from './line-model.ts';

export function histogramSeries(h: { lo: number; hi: number; counts: ArrayLike<number> } | null | undefined, name: string, color: string): Series[] {
  if (!h) return [];
  const w = (h.hi - h.lo) / h.counts.length;
  return [{ name, color, x: Array.from(h.counts, (_, b) => h.lo + (b + 0.5) * w), y: h.counts, width: 2 }];
}
