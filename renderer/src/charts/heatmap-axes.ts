// A heatmap's geometry, apart from drawing: the step axis under the columns, the row labels (one
// per row when rows are tall enough to read, else an axis with ticks), the cell under the pointer,
// and how big the plot is in a view of a given size (the benchmark draws at that size).
import { axisTicks, estimateWidth, formatTick, type Tick } from './axis.ts';

/** Rows shorter than this get an axis instead of a label each: a 12 px label needs 15 px. */
export const MIN_LABELLED_ROW = 15;
export const ROW_LABEL_WIDTH = 180; // "dense_12 (saturated)" at 12 px, whole
export const AXIS_HEIGHT = 40; // tick labels and the axis title under the plot

/**
 * Ticks for the step axis of `cols` columns, one collection each, spread evenly over `width` px.
 * Collections are every N steps, so the step domain runs half an interval beyond the first and
 * last column centres and a tick's step lands on the column that recorded it.
 */
export function stepTicks(steps: ArrayLike<number>, width: number, measure?: (s: string) => number): Tick[] {
  const n = steps.length;
  if (!n || width <= 0) return [];
  const first = steps[0], last = steps[n - 1];
  const d = n > 1 ? (last - first) / (n - 1) : 1;
  // the axis runs half an interval beyond the data: no ticks there (a step of -10 was never recorded)
  const ticks = axisTicks({ domain: [first - d / 2, last + d / 2], length: width, direction: 'x', integer: true, measure, fontSize: 11 })
    .filter((t) => t.value >= first && t.value <= last);
  if (ticks.length < 2 || ticks[1].value - ticks[0].value >= d) return ticks;
  // ticks closer than the collections (every step, collected every 5): tick columns instead, each
  // labelled with its step, spaced for the widest step label
  const widest = (measure ?? estimateWidth(11))(formatTick(last, 1));
  return axisTicks({ domain: [-0.5, n - 0.5], length: width, direction: 'x', integer: true, measure: () => widest, fontSize: 11 })
    .filter((t) => t.value >= 0 && t.value < n)
    .map((t) => ({ ...t, value: steps[t.value], label: t.label ? formatTick(steps[t.value], 1) : '' }));
}

/** Which rows carry a label: all when each has room, else an evenly spaced few that never overlap. */
export function rowTicks(rows: number, height: number): number[] {
  if (!rows) return [];
  if (height / rows >= MIN_LABELLED_ROW) return Array.from({ length: rows }, (_, r) => r);
  // rows run downwards: row r's centre is at (r + 0.5) / rows of the height
  const ts = axisTicks({ domain: [-0.5, rows - 0.5], length: height, direction: 'y', integer: true, fontSize: 12, gap: 6 });
  return ts.filter((t) => t.label).map((t) => t.value).filter((r) => r >= 0 && r < rows);
}

/** The row and column under a point of the plot (clamped to the grid). */
export function cellAt(x: number, y: number, width: number, height: number, rows: number, cols: number): { r: number; c: number } {
  const c = Math.floor((x / width) * cols), r = Math.floor((y / height) * rows);
  return { r: Math.max(0, Math.min(rows - 1, r)), c: Math.max(0, Math.min(cols - 1, c)) };
}

/** The raster's size on screen for a view area of `width` x `height` CSS px (labels left, axis under it). */
export function plotSize(width: number, height: number): { width: number; height: number } {
  return { width: Math.max(50, width - ROW_LABEL_WIDTH - 18), height: Math.max(120, height - AXIS_HEIGHT) };
}
