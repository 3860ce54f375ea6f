// A sparkline of one layer's metric over the run: an SVG path, the threshold's height, and the
// last point. The axis starts at 0 (percentages end at 100% at most) and leaves room above the
// largest value; numbers that span decades use a log axis; the threshold is always inside.
import { scaleLinear, scaleLog } from 'd3';
import type { Metric } from '../../../shared/diagnosis/finding.ts';

export interface Spark {
  /** the line (SVG path data), broken where a value is not finite */
  path: string;
  /** y of the threshold, or null without one */
  thresholdY: number | null;
  /** the bad side of the threshold (above it when low is better, below when high is), shaded */
  badZone: { y: number; height: number } | null;
  last: { x: number; y: number } | null;
  /** the points where the values are not finite, drawn as marks on the top edge */
  nonFinite: number[];
  log: boolean;
}

export function sparkline(series: number[], steps: number[], metric: (Pick<Metric, 'format' | 'threshold'> & Partial<Pick<Metric, 'better'>>) | null, width: number, height: number, pad = 2): Spark {
  const n = Math.min(series.length, steps.length || series.length);
  const xs = steps.length >= n ? steps.slice(0, n) : series.map((_, i) => i);
  const ys = series.slice(0, n);
  const finite = ys.filter(Number.isFinite);
  const t = metric?.threshold ?? null;
  const all = t !== null && Number.isFinite(t) ? [...finite, t] : finite;
  const positive = all.length > 0 && all.every((v) => v > 0);
  const lo = Math.min(...all), hi = Math.max(...all);
  const log = metric?.format !== 'pct' && positive && hi / lo > 100;
  let y;
  if (log) y = scaleLog().domain([lo, hi]);
  else if (!all.length) y = scaleLinear().domain([0, 1]);
  else {
    const floor = Math.min(0, lo);
    let ceil = hi > 0 ? hi * 1.15 : 1;
    if (metric?.format === 'pct') ceil = Math.min(ceil, Math.max(1, hi)); // a share's axis ends at 100%
    y = scaleLinear().domain([floor, ceil > floor ? ceil : floor + 1]);
  }
  y.range([height - pad, pad]);
  const x0 = xs[0] ?? 0, x1 = xs[n - 1] ?? 1;
  const x = scaleLinear().domain(x0 === x1 ? [x0 - 1, x1 + 1] : [x0, x1]).range([pad, width - pad]);
  let path = '';
  let pen = false;
  const nonFinite: number[] = [];
  let last: Spark['last'] = null;
  for (let i = 0; i < n; i++) {
    const v = ys[i];
    if (!Number.isFinite(v)) { pen = false; nonFinite.push(x(xs[i])); continue; }
    const px = x(xs[i]), py = y(v);
    path += `${pen ? 'L' : 'M'}${px.toFixed(1)},${py.toFixed(1)}`;
    pen = true;
    last = { x: px, y: py };
  }
  // A single point is a dot, not an invisible zero-length line: a short tick makes it show.
  if (n === 1 && last) path += `h0.01`;
  const thresholdY = t !== null && Number.isFinite(t) ? y(t) : null;
  const badZone = thresholdY === null ? null
    : metric?.better === 'low' ? { y: 0, height: Math.max(0, thresholdY) }
    : metric?.better === 'high' ? { y: thresholdY, height: Math.max(0, height - thresholdY) } : null;
  return { path, thresholdY, badZone, last, nonFinite, log };
}
