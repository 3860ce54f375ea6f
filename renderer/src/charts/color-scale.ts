// The heatmaps' colour scale: viridis (perceptually even, dark purple rather than black at 0, so
// a low value still reads against the dark page) through a square root, which spreads the
// values that matter (a layer 5% vs 25% dead) over half the ramp instead of its darkest fifth.
import { interpolateViridis, ticks as niceTicks } from 'd3';
import { colorTable, type ColorTable } from './heatmap-model.ts';

export interface ColorScale {
  /** the value drawn brightest; 0 is darkest */
  max: number;
  /** 1024 colours indexed by value / max (the square root is in the table, not per cell) */
  table: ColorTable;
  /** where a value sits on the ramp, 0..1 */
  at: (v: number) => number;
  /** a value as the tooltip and the legend write it */
  format: (v: number) => string;
  /** the legend's tick values */
  ticks: number[];
}

const SIZE = 1024;
const percent = (v: number) => `${v >= 0.1 || v === 0 ? Math.round(v * 100) : (v * 100).toFixed(1)}%`;

/** sqrt-scaled viridis over [0, max]; `fraction` formats values as percentages. */
export function sqrtViridis(max: number, fraction: boolean): ColorScale {
  const top = max > 0 && Number.isFinite(max) ? max : 1;
  const table = colorTable((t) => interpolateViridis(Math.sqrt(t)), SIZE);
  const format = fraction ? percent : (v: number) => (Math.abs(v) >= 100 || v === 0 ? String(Math.round(v)) : String(Number(v.toPrecision(2))));
  // in a square-root scale the low end is wide: ticks there, sparse ones above
  const ticks = fraction ? [0, 0.02, 0.1, 0.25, 0.5, 1] : spreadTicks(top);
  return { max: top, table, at: (v) => Math.sqrt(Math.max(0, Math.min(1, v / top))), format, ticks };
}

/** Round values over [0, max] whose places on a square-root ramp are at least a seventh of it apart. */
function spreadTicks(max: number): number[] {
  const out = [0];
  for (const v of niceTicks(0, max, 30)) if (v > 0 && Math.sqrt(v / max) - Math.sqrt(out[out.length - 1] / max) >= 1 / 7) out.push(v);
  return out;
}

/** CSS gradient stops of a scale, for its legend. */
export function gradientStops(scale: ColorScale, n = 24): { offset: number; color: string }[] {
  return Array.from({ length: n + 1 }, (_, i) => {
    const t = i / n; // position on the ramp; the value there is t^2 * max
    const k = Math.min(SIZE - 1, Math.round(t * t * (SIZE - 1))) * 4;
    return { offset: t, color: `rgb(${scale.table[k]},${scale.table[k + 1]},${scale.table[k + 2]})` };
  });
}
