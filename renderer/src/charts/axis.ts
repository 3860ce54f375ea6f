// Axis ticks that never overlap: the tick values, their labels and where each label sits, for a
// linear or log axis of a given length in pixels. Pure (labels are measured by a function the
// caller gives: the canvas's measureText on screen, an estimate in tests), so the guarantee is tested.
import { tickStep, ticks as niceTicks, format } from 'd3';

export interface AxisSpec {
  /** the data range shown, in data units (low, high) */
  domain: [number, number];
  /** the axis length in pixels */
  length: number;
  log?: boolean;
  /** integer data only (epochs, units, layers): no fractional ticks */
  integer?: boolean;
  /** 'x': labels side by side, measured by width; 'y': stacked, measured by font height */
  direction: 'x' | 'y';
  /** label extent along the axis: its width on x; on y the font's height (the default ignores the text) */
  measure?: (label: string) => number;
  fontSize?: number;
  /** the smallest free space between two labels, in pixels */
  gap?: number;
  /** pixels free beyond each end (low, high) a label may use before it is clipped; 0 by default */
  overhang?: [number, number];
}

export interface Tick {
  value: number;
  /** pixel offset from the axis start (the low end of the domain) */
  at: number;
  /** '' for a minor tick: a grid line without a label */
  label: string;
  /** the pixel offset of the label's centre: as `at`, but moved inward at the ends so no label is clipped */
  labelAt: number;
}

/** A cautious width for a label in the UI font (digits are about 0.55 em; a bit more, never less). */
export const estimateWidth = (fontSize: number) => (s: string) => s.length * fontSize * 0.62;

const extentOf = (spec: AxisSpec) => spec.measure ?? (spec.direction === 'x' ? estimateWidth(spec.fontSize ?? 11) : () => (spec.fontSize ?? 11) + 2);

/** A short label: plain digits between 1e-3 and 1e5, else "2e-5" style. */
export function formatTick(v: number, step?: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  // round thousands as TensorBoard writes steps: 2k, 20k, 1.5M
  if (step !== undefined && step >= 1000) return format('~s')(v); // every tick a multiple of 1000: all in k
  // a linear axis's labels share its step's decimals (0.00095, 0.00100), not a mix of 9.5e-4 and 0.001
  const plain = step !== undefined && step >= 1e-5 ? a < 1e6 : a >= 1e-3 && a < 1e5;
  if (!plain) {
    const e = Math.floor(Math.log10(a) + 1e-9);
    const m = v / 10 ** e;
    return `${Number(m.toPrecision(3))}e${e}`;
  }
  if (step !== undefined && step >= 1e-5) {
    const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
    return format(`.${Math.min(digits, 6)}f`)(v).replace(/^-(0\.?0*)$/, '$1');
  }
  return String(Number(v.toPrecision(4)));
}

/** Linear or log position of `v` as a pixel offset from the axis start. */
export function position(spec: Pick<AxisSpec, 'domain' | 'length' | 'log'>, v: number): number {
  const [d0, d1] = spec.domain;
  const t = spec.log ? (Math.log10(v) - Math.log10(d0)) / (Math.log10(d1) - Math.log10(d0)) : (v - d0) / (d1 - d0);
  return t * spec.length;
}

/**
 * Labels' centres, moved inward so that none crosses an end of the axis; returns null when two
 * labels would overlap (with `gap` free pixels between them).
 */
function place(ticks: { value: number; at: number; label: string }[], spec: AxisSpec): Tick[] | null {
  const extent = extentOf(spec);
  const gap = spec.gap ?? (spec.direction === 'x' ? 8 : 4);
  const out: Tick[] = [];
  let lastEnd = -Infinity;
  for (const t of ticks) {
    if (!t.label) { out.push({ ...t, labelAt: t.at }); continue; }
    const half = extent(t.label) / 2;
    const [lo, hi] = spec.overhang ?? [0, 0];
    const labelAt = Math.min(Math.max(t.at, half - lo), spec.length + hi - half);
    if (labelAt - half < lastEnd + gap) return null;
    lastEnd = labelAt + half;
    out.push({ ...t, labelAt });
  }
  return out;
}

/**
 * As many linear ticks as fit without overlapping. Two labels at least when two fit: if every tick
 * labelled crowds at any count, every other tick is labelled (the rest stay grid lines).
 */
function linearTicks(spec: AxisSpec): Tick[] {
  const [d0, d1] = spec.domain;
  // no more than one label per 40 px on x and 24 px on y: denser reads as noise
  const spacing = spec.direction === 'x' ? 40 : 24;
  const most = Math.max(2, Math.ceil(spec.length / 10));
  const sparse = (ts: Tick[]) => ts.filter((t) => t.label).every((t, i, a) => i === 0 || t.at - a[i - 1].at >= spacing);
  const candidate = (n: number, every: number) => {
    const step = tickStep(d0, d1, n);
    // integer data with room for a label per whole number: exactly those, never 0.5
    const values = spec.integer && step < 1 ? range(Math.ceil(d0), Math.floor(d1)) : niceTicks(d0, d1, n);
    const label = (v: number, i: number) => (i % every === 0 ? formatTick(v, Math.max(step, spec.integer ? 1 : 0)) : '');
    return place(values.map((v, i) => ({ value: v, at: position(spec, v), label: label(v, i) })), spec);
  };
  for (const [every, fewest] of [[1, 2], [2, 2], [1, 1]]) {
    for (let n = most; n >= 1; n--) {
      const placed = candidate(n, every);
      if (placed && sparse(placed) && placed.filter((t) => t.label).length >= fewest) return placed;
    }
  }
  return [];
}

const range = (a: number, b: number) => Array.from({ length: Math.max(0, b - a + 1) }, (_, i) => a + i);

/**
 * Log ticks: a line at 1, 2 and 5 of every decade; every decade labelled (every other, or every
 * k-th, only when the axis is too short for all); 2 and 5 labelled when they fit too.
 */
function logTicks(spec: AxisSpec): Tick[] {
  const [d0, d1] = spec.domain;
  const e0 = Math.floor(Math.log10(d0) + 1e-9), e1 = Math.ceil(Math.log10(d1) - 1e-9);
  const decades = range(e0, e1).map((e) => Number(`1e${e}`)).filter((v) => v >= d0 * (1 - 1e-9) && v <= d1 * (1 + 1e-9));
  const minors: number[] = [];
  for (let e = e0; e <= e1; e++) for (const m of [2, 5]) { const v = Number(`${m}e${e}`); if (v > d0 && v < d1) minors.push(v); }
  const all = [...decades, ...minors].sort((a, b) => a - b);
  const tick = (v: number, labelled: boolean) => ({ value: v, at: position(spec, v), label: labelled ? formatTick(v) : '' });
  // less than a decade in view: the 1-2-5 values are the only candidates, and linear ticks read better
  if (decades.length < 2) {
    const withMinor = place(all.map((v) => tick(v, true)), spec);
    if (withMinor && all.length >= 2) return withMinor;
    return linearTicks({ ...spec, log: true });
  }
  const full = place(all.map((v) => tick(v, true)), spec);
  if (full) return full;
  for (let k = 1; k <= decades.length; k++) {
    const labelled = new Set(decades.filter((_, i) => i % k === 0));
    const placed = place(all.map((v) => tick(v, labelled.has(v))), spec);
    if (placed) return placed;
  }
  return [];
}

export function axisTicks(spec: AxisSpec): Tick[] {
  const [d0, d1] = spec.domain;
  if (!(d1 > d0) || !(spec.length > 0) || (spec.log && !(d0 > 0))) return [];
  return spec.log ? logTicks(spec) : linearTicks(spec);
}

/** A log domain widened to whole decades, so its ends carry labels and the top value is never clipped. */
export function niceLogDomain([d0, d1]: [number, number]): [number, number] {
  return [Number(`1e${Math.floor(Math.log10(d0) + 1e-9)}`), Number(`1e${Math.ceil(Math.log10(d1) - 1e-9)}`)];
}

/** A linear domain widened to round numbers (d3's nice), whole numbers when the data are. */
export function niceLinearDomain([d0, d1]: [number, number], integer = false): [number, number] {
  const step = tickStep(d0, d1, 5);
  const s = integer ? Math.max(1, step) : step;
  const lo = Math.floor(d0 / s) * s, hi = Math.ceil(d1 / s) * s;
  return integer && d1 - d0 <= 10 ? [Math.floor(d0), Math.ceil(d1)] : [lo, hi];
}
