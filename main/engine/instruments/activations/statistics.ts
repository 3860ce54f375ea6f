// Activation statistics on the fixed probe batch, per layer and per unit, reduced in JS from
// the probe pass's outputs (read back from the device once).
import type { ActivationsPayload, LayerActivationStats } from '../../../../shared/instruments/activations/definition.ts';
import { canDie, type LayerInfo, type UnitKind } from '../../../../shared/layers.ts';
import type { OptionsOf } from '../../../../shared/instruments/framework/define.ts';
import type { activations } from '../../../../shared/instruments/activations/definition.ts';
import { summarize } from '../framework/index.ts';

type Options = OptionsOf<typeof activations>;

/** Is one output value saturated, for this kind of unit? */
function saturationTest(kind: UnitKind, s: Options['saturation']): ((v: number) => boolean) | null {
  if (kind === 'sigmoid') return (v) => v < s.sigmoid || v > 1 - s.sigmoid;
  if (kind === 'tanh') return (v) => v < -1 + s.tanh || v > 1 - s.tanh;
  return null;
}

export function layerActivationStats(
  values: ArrayLike<number>, start: number, end: number, info: LayerInfo, options: Options, bins: number,
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

/** Statistics of every recorded layer from one probe pass. */
export function activationStats(output: (layer: string) => Float32Array, layers: LayerInfo[], options: Options, bins: number): ActivationsPayload {
  return {
    layers: layers.map((info) => {
      const v = output(info.name);
      return layerActivationStats(v, 0, v.length, info, options, bins);
    }),
  };
}
