// A layer's output as the activations instrument and the init explorer judge it: summary
// statistics, the saturated fraction of squashing units, the dead fraction of the ReLU family,
// per layer and per recorded unit. Plain JS over values read back from the device once.
import type { LayerActivationStats } from '../../../shared/instruments/activations/definition.ts';
import { canDie, type LayerInfo, type UnitKind } from '../../../shared/layers.ts';
import { summarize } from './summarize.ts';

/** The saturation thresholds (instruments.activations.saturation in the spec). */
export interface SaturationThresholds { sigmoid: number; tanh: number }

/** The range outside which an output of this kind of unit is saturated, or null for kinds that do not saturate. */
function saturationRange(kind: UnitKind, s: SaturationThresholds): [number, number] | null {
  if (kind === 'sigmoid') return [s.sigmoid, 1 - s.sigmoid];
  if (kind === 'tanh') return [-1 + s.tanh, 1 - s.tanh];
  return null;
}

// The per-unit loops walk rows of `units` values (elements are laid out [batch, ..., units]) and
// stay branch-free, each in a small function of its own: the one loop they replace, with a
// closure call and data-dependent branches, took ~0.7 ms a collection of the MLP's probe batch
// (measured in the statistics worker).

/** Saturated outputs per unit; returns their total. */
function countSaturated(values: ArrayLike<number>, start: number, end: number, units: number, lo: number, hi: number, counts: Float64Array): number {
  let total = 0;
  if (units <= 0) return 0; // (a layer of no units holds no values; the row step would never advance)
  for (let row = start; row < end; row += units) {
    const n = Math.min(units, end - row); // (a last, partial row: a range that is not whole rows)
    for (let u = 0; u < n; u++) {
      const v = values[row + u];
      const out = v < lo || v > hi ? 1 : 0;
      counts[u] += out;
      total += out;
    }
  }
  return total;
}

/** Marks the units with a positive output anywhere in the batch. */
function markPositive(values: ArrayLike<number>, start: number, end: number, units: number, positive: Uint8Array) {
  if (units <= 0) return;
  for (let row = start; row < end; row += units) {
    const n = Math.min(units, end - row);
    for (let u = 0; u < n; u++) positive[u] |= values[row + u] > 0 ? 1 : 0;
  }
}

export function layerActivationStats(
  values: ArrayLike<number>, start: number, end: number, info: LayerInfo, options: { saturation: SaturationThresholds }, bins: number,
): LayerActivationStats {
  const base = summarize(values, start, end, bins);
  const units = info.units;
  const range = saturationRange(info.unitKind, options.saturation);
  const dies = canDie(info.unitKind);
  const satCount = new Float64Array(units);
  const positive = new Uint8Array(units);
  const satTotal = range ? countSaturated(values, start, end, units, range[0], range[1], satCount) : 0;
  if (dies) markPositive(values, start, end, units, positive);
  const perUnit = (end - start) / units;
  const unitSaturated = info.unitIndex.map((u) => (range ? satCount[u] / perUnit : 0));
  const unitDead = info.unitIndex.map((u) => (dies && !positive[u] ? 1 : 0));
  let dead = 0;
  if (dies) for (let u = 0; u < units; u++) if (!positive[u]) dead++;
  return {
    layer: info.name, ...base,
    saturatedFrac: range && end > start ? satTotal / (end - start) : 0,
    deadFrac: dies ? dead / units : 0,
    unitSaturated, unitDead,
  };
}
