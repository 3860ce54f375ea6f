// Activation statistics on the fixed probe batch, per layer and per unit, reduced in JS from
// the probe pass's outputs (read back from the device once).
import type { ActivationsPayload } from '../../../../shared/instruments/activations/definition.ts';
import type { LayerInfo } from '../../../../shared/layers.ts';
import type { OptionsOf } from '../../../../shared/instruments/framework/define.ts';
import type { activations } from '../../../../shared/instruments/activations/definition.ts';
import { layerActivationStats } from '../framework/index.ts';

type Options = OptionsOf<typeof activations>;

/** Statistics of every recorded layer from one probe pass. */
export function activationStats(output: (layer: string) => Float32Array, layers: LayerInfo[], options: Options, bins: number): ActivationsPayload {
  return {
    layers: layers.map((info) => {
      const v = output(info.name);
      return layerActivationStats(v, 0, v.length, info, options, bins);
    }),
  };
}
