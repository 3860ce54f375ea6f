// Activation statistics: what every layer outputs on the fixed probe batch, with the saturated
// fraction of squashing units and the dead fraction of the ReLU family, per layer and per unit.
import { z } from 'zod';
import { defineInstrument } from '../framework/define.ts';
import { num, tensorSummaryShape } from '../framework/summary.ts';

const layerStats = z.object({
  layer: z.string(),
  ...tensorSummaryShape,
  /** fraction of outputs saturated (sigmoid near 0/1, tanh near +-1); 0 for other kinds */
  saturatedFrac: num,
  /** fraction of the layer's units that are dead: never positive over the whole probe batch (ReLU family) */
  deadFrac: num,
  /** per recorded unit (see LayerInfo.unitIndex): fraction of the probe batch it is saturated on */
  unitSaturated: z.array(num),
  /** per recorded unit: 1 if dead over the whole probe batch, else 0 */
  unitDead: z.array(num),
});

export const activations = defineInstrument({
  id: 'activations',
  title: 'Activations',
  description: 'every layer\'s output on the probe batch: moments, histogram, saturated and dead units',
  version: 1,
  options: {
    saturation: z.strictObject({
      sigmoid: z.number().gt(0).lt(0.5).default(0.02).describe('a sigmoid output is saturated below this or above 1 minus this'),
      tanh: z.number().gt(0).lt(1).default(0.02).describe('a tanh output is saturated when |a| is above 1 minus this'),
    }).prefault({}).describe('thresholds for counting a unit\'s output as saturated'),
  },
  payload: z.object({ layers: z.array(layerStats) }),
});

export type LayerActivationStats = z.output<typeof layerStats>;
export type ActivationsPayload = { layers: LayerActivationStats[] };
