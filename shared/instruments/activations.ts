// Activation statistics: what every layer outputs on the fixed probe batch.
import type { TensorSummary } from './histogram.ts';

export const ACTIVATIONS_VERSION = 1;

/** How a layer's output is judged: saturation for squashing units, deadness for the ReLU family. */
export type UnitKind = 'sigmoid' | 'tanh' | 'softmax' | 'relu' | 'relu_family' | 'linear' | 'other';

export interface LayerActivationStats extends TensorSummary {
  layer: string;
  /** fraction of outputs saturated (sigmoid near 0/1, tanh near +-1); 0 for other kinds */
  saturatedFrac: number;
  /** fraction of the recorded units that are dead: never positive over the whole probe batch (ReLU family) */
  deadFrac: number;
  /** per recorded unit (see LayerInfo.unitIndex): fraction of the probe batch it is saturated on */
  unitSaturated: number[];
  /** per recorded unit: 1 if dead over the whole probe batch, else 0 */
  unitDead: number[];
}

export interface ActivationsPayload {
  layers: LayerActivationStats[];
}
