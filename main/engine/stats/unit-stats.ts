// A layer's output as the activations instrument and the init explorer judge it: summary
// statistics, the saturated fraction of squashing units, the dead fraction of the ReLU family,
// per layer and per recorded unit. Plain JS over values read back from the device once.
import type { LayerActivationStats } from '../../../shared/instruments/activations/definition.ts';
import { canDie, type LayerInfo, type UnitKind } from '../../../shared/layers.ts';
import { summarize } from './summarize.ts';

/** The saturation thresholds (instruments.activations.saturation in the spec). */
export interface SaturationThresholds { sigmoid: number; tanh: number }

/** Is one output value saturated, for this kind of unit? */
function saturationTest(kind: UnitKind, s: SaturationThresholds): ((v: number) => boolean) | null {
  if (kind === 'sigmoid') return (v) => v < s.sigmoid || v > 1 - s.sigmoid;
  if (kind === 'tanh') return (v) => v < -1 + s.tanh || v > 1 - s.tanh;
  return null;
}

export function layerActivationStats(
  values: ArrayLike<number>, start: number, end: number, info: LayerInfo, options: { saturation: SaturationThresholds }, bins: number,
): LayerActivationStats {
  const base = summarize(values, start, end, bins);
  const units = info.units;
  const saturated = saturationTest(info.unitKind, options.saturation);
  const dies = canDie(info.unitKind);
  const satCount = new Float64Array(units);
  const positive = new Uint8Array(units);
  let satTotal = 0;
  // Elements are laid out [batch, ..., units]: element k belongs to unit k % units.
  if (saturated || dies) {
    for (let i = start, u = 0; i < end; i++, u = u + 1 === units ? 0 : u + 1) {
      const v = values[i];
      if (saturated && saturated(v)) { satCount[u]++; satTotal++; }
      if (v > 0) positive[u] = 1;
    }
  }
  const perUnit = (end - start) / units;
  const unitSaturated = info.unitIndex.map((u) => (saturated ? satCount[u] / perUnit : 0));
  const unitDead = info.unitIndex.map((u) => (dies && !positive[u] ? 1 : 0));
  let dead = 0;
  if (dies) for (let u = 0; u < units; u++) if (!positive[u]) dead++;
  return {
    layer: info.name, ...base,
    saturatedFrac: saturated && end > start ? satTotal / (end - start) : 0,
    deadFrac: dies ? dead / units : 0,
    unitSaturated, unitDead,
  };
}
