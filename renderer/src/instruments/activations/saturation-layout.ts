// How the Saturation tab shares the screen: the layers map alone fills the height below the
// controls; with a layer's unit map open the two share it (the units, having more rows, get more).
import { AXIS_HEIGHT } from '../../charts/heatmap-axes.ts';

/** A heatmap figure's height around its plot: caption with the legend, axis, padding and border. */
export const FIGURE_CHROME = 44 + AXIS_HEIGHT + 18;
const GAP = 12;

export function saturationPlotHeights(available: number, unitMapOpen: boolean): { layers: number; units: number } {
  if (!unitMapOpen) return { layers: Math.max(160, available - FIGURE_CHROME), units: 0 };
  const plots = available - 2 * FIGURE_CHROME - GAP;
  const layers = Math.max(140, Math.round(plots * 0.4));
  return { layers, units: Math.max(220, plots - layers) };
}
