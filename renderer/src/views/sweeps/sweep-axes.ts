// One axis per swept parameter, plus the metric: how a value maps to a place on it and which ticks
// it carries. The parallel-coordinates plot stands them up vertically, the scatter plots lay a
// parameter's flat; both use the same model, so a value sits at the same place in each. A log
// range gets a log axis, a list of values (or labels) an ordinal one, the metric a linear one with
// the better end up (a loss reversed), so "up is better" holds in every chart of the view.
import { interpolateViridis } from 'd3';
import type { SweepParameter } from '../../../../shared/sweep/sweep-spec.ts';
import type { SweepView } from '../../../../shared/sweep/view.ts';
import { axisTicks, estimateWidth, formatTick, niceLinearDomain, niceLogDomain } from '../../charts/axis.ts';
import { formatValue } from '../../charts/line-model.ts';

export type AxisKind = 'log' | 'linear' | 'ordinal';
export const METRIC_KEY = '__metric';

export interface AxisTick { at: number; label: string }

export interface SweepAxis {
  /** the parameter's spec path, or METRIC_KEY */
  key: string;
  title: string;
  kind: AxisKind;
  /** length in pixels */
  length: number;
  /** a value's offset in pixels from the axis start (bottom, or left), null when it is not on the axis */
  offset: (v: unknown) => number | null;
  /** a value as a person reads it (the parameter's label when it has one) */
  format: (v: unknown) => string;
  ticks: AxisTick[];
  /** numeric axes: the range shown */
  domain?: [number, number];
  /** ordinal axes: the values in order, and their names */
  categories?: { key: string; label: string }[];
}

/** A parameter's title: the last part of its path, with the layer it belongs to ("layer 2 units"). */
export function paramTitle(path: string): string {
  const m = /^model\.layers\[(\d+)\]\.(.+)$/.exec(path);
  if (m) return `layer ${Number(m[1]) + 1} ${m[2].replace(/^kernelRegularizer\./, '')}`;
  if (path === 'model.layers') return 'layers';
  if (path === 'training.optimizer') return 'optimizer';
  const parts = path.split('.');
  return parts[parts.length - 1];
}

const keyOf = (v: unknown) => JSON.stringify(v);

/** A value as a table cell writes it: its label, a number rounded, an object by its type. */
export function formatParam(p: SweepParameter | undefined, v: unknown): string {
  if (p && 'values' in p && p.labels) {
    const i = p.values.findIndex((x) => keyOf(x) === keyOf(v));
    if (i >= 0) return p.labels[i];
  }
  if (typeof v === 'number') return formatValue(v);
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && 'type' in v && typeof (v as { type: unknown }).type === 'string') return (v as { type: string }).type;
  const s = JSON.stringify(v);
  return s.length > 24 ? `${s.slice(0, 21)}...` : s;
}

function kindOf(p: SweepParameter): 'log' | 'linear' {
  return 'log_uniform' in p ? 'log' : 'linear';
}

const numeric = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

interface NumericOpts { key: string; title: string; kind: 'log' | 'linear'; domain: [number, number]; length: number; direction: 'x' | 'y'; integer?: boolean; reversed?: boolean; format: (v: unknown) => string }

function numericAxis(o: NumericOpts): SweepAxis {
  let [d0, d1] = o.domain;
  if (!(d1 > d0)) { const pad = d0 === 0 ? 1 : Math.abs(d0) * 0.1; [d0, d1] = o.kind === 'log' ? [d0 / 2, d0 * 2] : [d0 - pad, d1 + pad]; }
  const domain: [number, number] = o.kind === 'log' ? niceLogDomain([d0, d1]) : niceLinearDomain([d0, d1], o.integer);
  const spec = { domain, length: o.length, log: o.kind === 'log', integer: o.integer, direction: o.direction, fontSize: 11, overhang: [6, 6] as [number, number] };
  const flip = (at: number) => (o.reversed ? o.length - at : at);
  const offset = (v: unknown) => {
    const x = numeric(v);
    if (x === null || (o.kind === 'log' && x <= 0)) return null;
    const t = o.kind === 'log' ? (Math.log10(x) - Math.log10(domain[0])) / (Math.log10(domain[1]) - Math.log10(domain[0])) : (x - domain[0]) / (domain[1] - domain[0]);
    return flip(Math.max(0, Math.min(1, t)) * o.length);
  };
  let labelled = axisTicks(spec).filter((t) => t.label);
  // a log axis over several decades labels its decades only: 1-2-5 labels on every decade read as noise
  if (o.kind === 'log' && labelled.length > 7) {
    const decades = labelled.filter((t) => Math.abs(Math.log10(t.value) - Math.round(Math.log10(t.value))) < 1e-9);
    if (decades.length >= 2) labelled = decades;
  }
  const ticks = labelled.map((t) => ({ at: flip(t.labelAt), label: t.label }));
  return { key: o.key, title: o.title, kind: o.kind, length: o.length, offset, format: o.format, ticks, domain };
}

/** Evenly spaced categories, the first at the start; labels thinned (every k-th) until they do not touch. */
function ordinalAxis(key: string, title: string, p: Extract<SweepParameter, { values: unknown }>, length: number, direction: 'x' | 'y'): SweepAxis {
  const format = (v: unknown) => formatParam(p, v);
  const categories = p.values.map((v) => ({ key: keyOf(v), label: format(v) }));
  const n = categories.length;
  const step = length / n;
  const at = (i: number) => (i + 0.5) * step;
  const index = new Map(categories.map((c, i) => [c.key, i]));
  const extent = direction === 'x' ? estimateWidth(11) : () => 14;
  let every = 1;
  while (every < n && categories.some((c, i) => i % every === 0 && i + every < n && (extent(c.label) + extent(categories[i + every].label)) / 2 + 4 > every * step)) every++;
  const ticks = categories.flatMap((c, i) => (i % every === 0 ? [{ at: at(i), label: c.label }] : []));
  return { key, title, kind: 'ordinal', length, offset: (v) => { const i = index.get(keyOf(v)); return i === undefined ? null : at(i); }, format, ticks, categories };
}

/** A parameter's axis of `length` pixels. */
export function paramAxis(path: string, p: SweepParameter, length: number, direction: 'x' | 'y' = 'y'): SweepAxis {
  const title = paramTitle(path);
  if ('values' in p) return ordinalAxis(path, title, p, length, direction);
  const domain = ('uniform' in p ? p.uniform : 'log_uniform' in p ? p.log_uniform : p.int_uniform) as [number, number];
  const format = (v: unknown) => (typeof v === 'number' ? formatValue(v) : String(v));
  return numericAxis({ key: path, title, kind: kindOf(p), domain, length, direction, integer: 'int_uniform' in p, format });
}

/** The finite metric values of the trials that have one. */
export function metricValues(view: Pick<SweepView, 'trials'>): number[] {
  return view.trials.map((t) => t.metric).filter((m): m is number => m !== null && Number.isFinite(m));
}

/** The metric's axis over `values`, the better end last (up, or right): a loss reversed. */
export function metricAxis(metric: string, goal: 'minimize' | 'maximize', values: readonly number[], length: number, direction: 'x' | 'y' = 'y'): SweepAxis {
  const lo = values.length ? Math.min(...values) : 0, hi = values.length ? Math.max(...values) : 1;
  const axis = numericAxis({ key: METRIC_KEY, title: metric, kind: 'linear', domain: [lo, hi], length, direction, reversed: goal === 'minimize', format: (v) => (typeof v === 'number' ? formatValue(v) : '--') });
  // no trial has reported yet: an axis without numbers, rather than a made-up 0 to 1
  return values.length ? axis : { ...axis, ticks: [] };
}

/** A trial's value on an axis (the metric, or a parameter). */
export function valueOn(axis: Pick<SweepAxis, 'key'>, t: { params: Record<string, unknown>; metric: number | null }): unknown {
  return axis.key === METRIC_KEY ? t.metric : t.params[axis.key];
}

/** Brushed ranges by axis key, as fractions [low, high] of the axis length from its start (the same on any size of plot). */
export type Brushes = Record<string, [number, number]>;

/** Does a trial lie inside every brushed range? (A trial with no value on a brushed axis does not.) */
export function insideBrushes(axes: readonly Pick<SweepAxis, 'key' | 'offset' | 'length'>[], brushes: Brushes, t: { params: Record<string, unknown>; metric: number | null }): boolean {
  for (const a of axes) {
    const b = brushes[a.key];
    if (!b) continue;
    const o = a.offset(valueOn(a, t));
    if (o === null) return false;
    // (a hair of tolerance: a value drawn on the brush's edge counts as inside)
    const f = o / a.length, eps = 0.5 / a.length;
    if (f < Math.min(b[0], b[1]) - eps || f > Math.max(b[0], b[1]) + eps) return false;
  }
  return true;
}

/** The trials inside the brushes, by trial id. */
export function brushedTrials<T extends { trial: string; params: Record<string, unknown>; metric: number | null }>(axes: readonly Pick<SweepAxis, 'key' | 'offset' | 'length'>[], brushes: Brushes, trials: readonly T[]): T[] {
  return Object.keys(brushes).length ? trials.filter((t) => insideBrushes(axes, brushes, t)) : [...trials];
}

/** The metric's colours: viridis over the values' range, brightest at the best (so the eye goes to the winners). */
export interface MetricColors { color: (m: number | null) => string; domain: [number, number]; goal: 'minimize' | 'maximize' }
export const NO_METRIC_COLOR = '#6e7681';

export function metricColors(values: readonly number[], goal: 'minimize' | 'maximize'): MetricColors {
  const lo = values.length ? Math.min(...values) : 0, hi = values.length ? Math.max(...values) : 1;
  const color = (m: number | null) => {
    if (m === null || !Number.isFinite(m)) return NO_METRIC_COLOR;
    const t = Math.max(0, Math.min(1, hi > lo ? (m - lo) / (hi - lo) : 1));
    // from a dim purple (0.12: the darkest viridis sinks into the page) to yellow
    return interpolateViridis(0.12 + 0.88 * (goal === 'minimize' ? 1 - t : t));
  };
  return { color, domain: [lo, hi], goal };
}

export { formatTick };
