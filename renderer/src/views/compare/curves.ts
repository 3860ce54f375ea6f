// The comparison's charts as series: each run in its colour, train solid and validation dashed,
// the per-step loss smoothed over its raw curve (drawn faint behind), every x on the shared axis.
import type { Series, LegendEntry } from '../../charts/line-model.ts';
import { smooth } from '../../lib/run-data.ts';
import { canDie, canSaturate, type LayerInfo } from '../../../../shared/layers.ts';
import { gradientsStore } from '../../instruments/gradients/store.ts';
import { activationsStore, heatValue } from '../../instruments/activations/store.ts';
import type { ComparedRun, LayerRow } from './compare-model.ts';
import { faint } from './palette.ts';

export type XAxis = 'step' | 'epoch';

/**
 * Where a step goes on the shared x axis: itself, or in epochs (steps over steps per epoch, so
 * runs with other batch sizes line up by how much data they have seen). A run whose steps per
 * epoch are unknown stays on steps.
 */
export function axisX(step: number, stepsPerEpoch: number, axis: XAxis): number {
  return axis === 'epoch' && stepsPerEpoch > 0 ? step / stepsPerEpoch : step;
}

const mapX = (steps: ArrayLike<number>, r: ComparedRun, axis: XAxis) => Array.from(steps, (s) => axisX(s, r.stepsPerEpoch, axis));

/** The x range every panel of the comparison shares: from 0 to the furthest step any run reached. */
export function sharedXDomain(runs: readonly ComparedRun[], axis: XAxis): [number, number] {
  let hi = 0;
  for (const r of runs) {
    const last = Math.max(r.data.steps[r.data.steps.length - 1] ?? 0, r.data.epochs[r.data.epochs.length - 1]?.step ?? 0);
    hi = Math.max(hi, axisX(last, r.stepsPerEpoch, axis));
  }
  return [0, hi > 0 ? hi : 1];
}

export const X_LABEL: Record<XAxis, string> = { step: 'step', epoch: 'epoch' };

/** The legend of every comparison chart: one entry per run, in its colour. */
export const runLegend = (runs: readonly ComparedRun[]): LegendEntry[] => runs.map((r) => ({ name: r.title, color: r.color }));

/**
 * Loss: each run's per-step training loss smoothed (exponential moving average, `smoothing` 0..0.99)
 * with the raw curve faint behind it, and its validation loss per epoch dashed.
 */
export function lossSeries(runs: readonly ComparedRun[], axis: XAxis, smoothing: number): Series[] {
  const raw: Series[] = [], front: Series[] = [];
  for (const r of runs) {
    const d = r.data, x = mapX(d.steps, r, axis);
    // (the raw curve is what smoothing hides: shown only when something is hidden)
    if (smoothing > 0) raw.push({ name: `${r.title} · train (raw)`, color: faint(r.color), x, y: d.loss, width: 1, background: true });
    front.push({ name: `${r.title} · train`, color: r.color, x, y: smooth(d.loss, smoothing), width: 1.6 });
    const ep = d.epochs.filter((e) => e.validation);
    if (ep.length) front.push({ name: `${r.title} · validation`, color: r.color, x: mapX(ep.map((e) => e.step), r, axis), y: ep.map((e) => e.validation!.loss), dashed: true, width: 2 });
  }
  // the faint curves first: every run's smoothed line is drawn over every raw one
  return [...raw, ...front];
}

/** Accuracy per epoch (the engine records it per epoch only): train solid, validation dashed. */
export function accuracySeries(runs: readonly ComparedRun[], axis: XAxis): Series[] {
  return runs.flatMap((r) => {
    const ep = r.data.epochs, x = mapX(ep.map((e) => e.step), r, axis);
    const out: Series[] = [];
    if (ep.some((e) => e.train.accuracy !== undefined)) out.push({ name: `${r.title} · train`, color: r.color, x, y: ep.map((e) => e.train.accuracy ?? NaN), width: 2 });
    if (ep.some((e) => e.validation?.accuracy !== undefined)) out.push({ name: `${r.title} · validation`, color: r.color, x, y: ep.map((e) => e.validation?.accuracy ?? NaN), dashed: true, width: 2 });
    return out;
  });
}

/** The learning rate per step: a setting, not a noisy measurement, so never smoothed. */
export function lrSeries(runs: readonly ComparedRun[], axis: XAxis): Series[] {
  return runs.map((r) => ({ name: r.title, color: r.color, x: mapX(r.data.steps, r, axis), y: r.data.lr, width: 1.6 }));
}

/** Every value positive: the learning rates can go on a log axis (runs a decade apart stay readable). */
export const allPositive = (series: readonly Series[]) => series.some((s) => s.y.length > 0) && series.every((s) => Array.from(s.y).every((v) => !Number.isFinite(v) || v > 0));

/** What the saturation column measures for a layer: the saturated fraction (sigmoid, tanh), the dead fraction (ReLU family), or nothing. */
export function saturationMeasure(l: LayerInfo): 'saturated' | 'dead' | null {
  return canSaturate(l.unitKind) ? 'saturated' : canDie(l.unitKind) ? 'dead' : null;
}

export interface LayerCell { series: Series[]; /** per run without a line here: why */ notes: { color?: string; text: string }[] }

/** A fraction's y range: from 0 to its largest value (to 1 when all are 0, so a flat line at 0 reads as "none"). */
export function fractionDomain(series: readonly Series[]): [number, number] {
  let hi = 0;
  for (const s of series) for (let i = 0; i < s.y.length; i++) if (s.y[i] > hi) hi = s.y[i];
  return [0, hi > 0 ? Math.min(1, hi) : 1];
}

/** One layer's gradient norm per run, from the gradients instrument's store (as the Layers view reads it). */
export function layerGradientCell(runs: readonly ComparedRun[], row: LayerRow, axis: XAxis): LayerCell {
  const cell: LayerCell = { series: [], notes: [] };
  runs.forEach((r, k) => {
    const c = row.cells[k];
    if ('missing' in c) { cell.notes.push({ color: r.color, text: c.missing }); return; }
    if (c.info.variables.length === 0) { cell.notes.push({ color: r.color, text: `${r.title}: ${row.name} has no weights, so no gradient` }); return; }
    const s = r.data.store(gradientsStore);
    if (!s || s.steps.length === 0) { cell.notes.push({ color: r.color, text: `${r.title} recorded no gradients` }); return; }
    cell.series.push({ name: r.title, color: r.color, x: mapX(s.steps, r, axis), y: s.layerNorm[c.index], width: 1.6 });
  });
  return cell;
}

/** One layer's saturated or dead fraction per run, from the activations instrument's store (as the Saturation view reads it). */
export function layerSaturationCell(runs: readonly ComparedRun[], row: LayerRow, axis: XAxis): LayerCell {
  const cell: LayerCell = { series: [], notes: [] };
  runs.forEach((r, k) => {
    const c = row.cells[k];
    if ('missing' in c) { cell.notes.push({ color: r.color, text: c.missing }); return; }
    const what = saturationMeasure(c.info);
    if (!what) { cell.notes.push({ color: r.color, text: `${r.title}: ${c.info.activation ?? 'linear'} output, neither saturates nor dies` }); return; }
    const s = r.data.store(activationsStore);
    if (!s || s.steps.length === 0) { cell.notes.push({ color: r.color, text: `${r.title} recorded no activations` }); return; }
    const series = s.layers[c.index];
    cell.series.push({ name: `${r.title} (${what})`, color: r.color, x: mapX(s.steps, r, axis), y: s.steps.map((_, i) => heatValue(c.info, series, i) ?? NaN), width: 1.6 });
  });
  // the same output layer in every run (a softmax): one reason, not the same one per run (no swatch: it is every run's)
  const kinds = new Set(row.cells.map((c) => ('info' in c && !saturationMeasure(c.info) ? c.info.activation ?? 'linear' : null)));
  if (cell.series.length === 0 && kinds.size === 1 && !kinds.has(null)) cell.notes = [{ text: `${[...kinds][0]} output in every run: it neither saturates nor dies` }];
  return cell;
}

/** A log y range with room above and below: a rate on a decade (0.001) is not drawn on the frame's edge. */
export function logPadded(series: readonly Series[]): [number, number] | undefined {
  let lo = Infinity, hi = 0;
  for (const s of series) for (let i = 0; i < s.y.length; i++) { const v = s.y[i]; if (v > 0 && Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } }
  return hi > 0 ? [lo / 1.5, hi * 1.5] : undefined;
}
