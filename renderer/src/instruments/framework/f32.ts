// Writing and reading the packed numbers of a payload: plain Float32Arrays, field after field,
// null (a JSON NaN) written as NaN. Hot paths (every collection of every live run): no generic
// key loops, the callers name their fields.
import type { Histogram, TensorSummary } from '../../../../shared/instruments/framework/summary.ts';
import type { RunLayout } from './layout.ts';

/** Numbers a histogram takes when packed: lo, hi, then `bins` counts. */
export const histSize = (bins: number) => bins + 2;

export function writeHist(f: Float32Array, o: number, bins: number, h: Histogram | undefined): void {
  f[o] = h?.lo ?? NaN;
  f[o + 1] = h?.hi ?? NaN;
  const c = h?.counts ?? [];
  for (let b = 0; b < bins; b++) f[o + 2 + b] = b < c.length ? c[b] ?? NaN : 0;
}

/** A histogram as the views draw it: counts may be a view on packed numbers. */
export interface HistView { lo: number; hi: number; counts: ArrayLike<number> }

/** A histogram as a view on the packed numbers (no copy). */
export function readHist(f: Float32Array, o: number, bins: number): HistView {
  return { lo: f[o], hi: f[o + 1], counts: f.subarray(o + 2, o + 2 + bins) };
}

/** Where a collection of `step` goes in a list of steps kept in order (collections can arrive out of order). */
export function insertIndex(steps: number[], step: number): number {
  let at = steps.length;
  while (at > 0 && steps[at - 1] > step) at--;
  return at;
}

export function insertAt<T>(a: T[], at: number, v: T): void {
  if (at === a.length) a.push(v); else a.splice(at, 0, v);
}

/** A number from JSON, where NaN was written as null. */
export const n = (v: number | null | undefined): number => v ?? NaN;

/** Numbers per variable row: norm, mean, std, min, max, the instrument's own value, zeroFrac, nan, inf, count; then the histogram. */
export const VARIABLE_ROW = 10;
export const variableRowSize = (bins: number) => VARIABLE_ROW + histSize(bins);

/**
 * Per-variable statistics (gradients, weights) packed in the run's variable order, one row each
 * from `head` on; a variable the payload lacks stays NaN. `own` is the instrument's own number.
 */
export function packVariableRows<V extends TensorSummary & { variable: string; norm: number }>(
  f: Float32Array, head: number, layout: RunLayout, vars: V[], own: (v: V) => number | null,
): void {
  const bins = layout.bins, row = variableRowSize(bins);
  const refs = layout.variables;
  const at = inLayoutOrder(vars, refs, (v) => v.variable);
  for (let i = 0; i < refs.length; i++) {
    const v = at(i);
    const o = head + i * row;
    if (!v) { f.fill(NaN, o, o + row); continue; }
    f[o] = n(v.norm); f[o + 1] = n(v.mean); f[o + 2] = n(v.std); f[o + 3] = n(v.min); f[o + 4] = n(v.max);
    f[o + 5] = n(own(v)); f[o + 6] = n(v.zeroFrac); f[o + 7] = n(v.nan); f[o + 8] = n(v.inf); f[o + 9] = n(v.count);
    writeHist(f, o + VARIABLE_ROW, bins, v.hist);
  }
}

/**
 * The payload's entry for each of the run's layers or variables, by position: payloads list
 * them in the run's order, so the name check is all it costs; a lookup by name otherwise.
 * (This runs for every collection of every live run: no map unless the orders differ.)
 */
export function inLayoutOrder<T>(items: T[], refs: { name: string }[], name: (t: T) => string): (i: number) => T | undefined {
  let same = items.length === refs.length;
  for (let i = 0; same && i < refs.length; i++) same = name(items[i]) === refs[i].name;
  if (same) return (i) => items[i];
  const byName = new Map(items.map((t) => [name(t), t]));
  return (i) => byName.get(refs[i].name);
}
