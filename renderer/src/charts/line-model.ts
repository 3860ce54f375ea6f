// Scales, ticks and paths of a line chart, independent of how it is drawn (canvas on screen,
// SVG on export), so both show the same thing and the geometry can be tested without a DOM.
import { scaleLinear, scaleLog, type ScaleContinuousNumeric } from 'd3';
import { axisTicks, niceLinearDomain, niceLogDomain, type Tick } from './axis.ts';

export interface Series {
  name: string; color: string; x: ArrayLike<number>; y: ArrayLike<number>; dashed?: boolean; width?: number;
  /** context drawn faint behind the others (the raw curve under a smoothed one): no legend entry, no crosshair readout */
  background?: boolean;
}
/** A legend entry: a chart whose series are many per entry (a run's train, validation, raw curves) gives its own. */
export interface LegendEntry { name: string; color: string; dashed?: boolean }
export interface Marker { x: number; color: string; label: string }
export interface LineOptions {
  logY?: boolean;
  reference?: { y: number; label: string };
  /** the x axis title, with its unit: "step", "epoch", "log10(learning rate)" */
  xLabel?: string;
  /** the y axis title, with its unit: "loss (cross-entropy)", "accuracy (fraction)" */
  yLabel?: string;
  /** x is a count (epochs): whole-number ticks only */
  integerX?: boolean;
  markers?: Marker[];
  /** a fixed x range: charts that share an x axis (a comparison's panels) line up whatever each one's data span */
  xDomain?: [number, number];
  /** a fixed y range before rounding (a fraction's [0, its max]: never below 0 around a flat line at 0) */
  yDomain?: [number, number];
}
export interface Box { width: number; height: number; left: number; right: number; top: number; bottom: number }

export function domains(series: Series[], opts: LineOptions) {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i], y = s.y[i];
      if (!Number.isFinite(y) || (opts.logY && y <= 0)) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  if (opts.reference && (!opts.logY || opts.reference.y > 0)) { y0 = Math.min(y0, opts.reference.y); y1 = Math.max(y1, opts.reference.y); }
  if (opts.xDomain) [x0, x1] = opts.xDomain;
  if (opts.yDomain) [y0, y1] = opts.yDomain;
  if (!Number.isFinite(x0)) { x0 = 0; x1 = 1; }
  if (!Number.isFinite(y0)) { y0 = opts.logY ? 1e-3 : 0; y1 = 1; }
  if (x0 === x1) x1 = x0 + 1;
  if (y0 === y1) {
    // a constant series (a fixed learning rate): widen by 10% of its size, not by a fixed unit
    const pad = Math.abs(y0) * 0.1 || 0.5;
    if (opts.logY) { y0 /= 2; y1 *= 2; } else { y0 -= pad; y1 += pad; }
  }
  return { x: [x0, x1] as [number, number], y: [y0, y1] as [number, number] };
}

/** The plotted ranges: y widened to round numbers (whole decades on a log scale) so its top carries a tick. */
export function niceDomains(series: Series[], opts: LineOptions) {
  const d = domains(series, opts);
  return { x: d.x, y: opts.logY ? niceLogDomain(d.y) : niceLinearDomain(d.y) };
}

export function scales(series: Series[], opts: LineOptions, box: Box) {
  const d = niceDomains(series, opts);
  const x = scaleLinear().domain(d.x).range([box.left, box.width - box.right]);
  const y: ScaleContinuousNumeric<number, number> = (opts.logY ? scaleLog() : scaleLinear()).domain(d.y).range([box.height - box.bottom, box.top]);
  return { x, y };
}

export const FONT = 11;
const TITLE_BAND = 16; // room for an axis title beside the tick labels

/**
 * The chart's frame: ticks on both axes (never overlapping) and the margins they need, so the
 * widest y label and both axis titles fit. `measure` is the label width in the chart's font.
 */
export function frame(series: Series[], opts: LineOptions, width: number, height: number, measure: (s: string) => number) {
  const d = niceDomains(series, opts);
  const top = 8, right = 14;
  const bottom = FONT + 8 + (opts.xLabel ? TITLE_BAND : 0);
  const yTicks = axisTicks({ domain: d.y, length: height - top - bottom, direction: 'y', log: opts.logY, fontSize: FONT, overhang: [7, top] }); // the lowest label may reach down beside the x labels, not into them
  const labelW = Math.max(16, ...yTicks.filter((t) => t.label).map((t) => measure(t.label)));
  const left = Math.ceil(labelW + 10 + (opts.yLabel ? TITLE_BAND : 0));
  const box: Box = { width, height, left, right, top, bottom };
  const xTicks = axisTicks({ domain: d.x, length: width - left - right, direction: 'x', integer: opts.integerX, measure, fontSize: FONT, overhang: [left - 4, right] });
  return { box, xTicks, yTicks, ...scales(series, opts, box) };
}
export type Frame = ReturnType<typeof frame>;
export type { Tick };

/** Polyline points of one series, skipping non-finite values (and non-positive ones on a log scale). */
export function segments(s: Series, sx: (v: number) => number, sy: (v: number) => number, logY: boolean): [number, number][][] {
  const out: [number, number][][] = [];
  let cur: [number, number][] = [];
  for (let i = 0; i < s.x.length; i++) {
    const y = s.y[i];
    if (!Number.isFinite(y) || (logY && y <= 0)) { if (cur.length) out.push(cur); cur = []; continue; }
    cur.push([sx(s.x[i]), sy(y)]);
  }
  if (cur.length) out.push(cur);
  return out;
}

/** The index of the point of `s` nearest in x to `x` (binary search; x is sorted). */
export function nearest(s: Series, x: number): number {
  let lo = 0, hi = s.x.length - 1;
  if (hi < 0) return -1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (s.x[mid] < x) lo = mid; else hi = mid;
  }
  return Math.abs(s.x[lo] - x) <= Math.abs(s.x[hi] - x) ? lo : hi;
}

export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : Number(v.toPrecision(4)).toString();
}

