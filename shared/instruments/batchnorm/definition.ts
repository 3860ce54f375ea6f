// Batch normalisation: per BN layer and channel, the running (moving) statistics against the
// statistics of the probe batch at the layer's input, gamma and beta, the scale of what BN
// normalises; and, at every epoch's end, the fold check: BN in inference mode folded into the
// dense or conv layer before it must compute the same outputs (BN fusion, as deployed models run it).
import { z } from 'zod';
import { defineInstrument } from '../framework/define.ts';
import { num } from '../framework/summary.ts';

/** The epsilon of a BN layer whose configuration does not say (tfjs' and the spec's default). */
export const DEFAULT_EPSILON = 1e-3;

/** The fold check passes when the folded layer's outputs are within this of BN(layer(x)), relative to
 *  the outputs' scale (absolute for outputs up to 1): float32 rounding, nothing more. */
export const FOLD_TOLERANCE = 1e-5;

/** Does a foldable layer's fold check pass? */
export function foldPasses(l: { maxAbsErr: number; maxAbsOut: number }): boolean {
  return l.maxAbsErr <= FOLD_TOLERANCE * Math.max(1, l.maxAbsOut);
}

const layerStats = z.object({
  layer: z.string(),
  /** the layer whose output it normalises; null: the model's input */
  input: z.string().nullable(),
  /** channels (the last axis) */
  channels: z.number().int(),
  /** false: the layer has no beta (treated as 0) */
  center: z.boolean(),
  /** false: the layer has no gamma (treated as 1) */
  scale: z.boolean(),
  /** the layer's epsilon (its configuration) */
  epsilon: num,
  /** mean and std of the BN input over everything (batch, positions, channels): the scale BN hides from the loss */
  preMean: num,
  preStd: num,
  /** means over channels of the running mean, the probe batch's mean, the running variance, the batch variance */
  runMeanAvg: num,
  batchMeanAvg: num,
  runVarAvg: num,
  batchVarAvg: num,
  /** mean over channels of |running mean - batch mean| / sqrt(batch var + eps): 0 when inference normalises as training does */
  meanShift: num,
  /** median over channels of (running var + eps) / (batch var + eps): 1 when they agree */
  varRatio: num,
  gammaMean: num,
  gammaStd: num,
  betaMean: num,
  betaStd: num,
  /** channels whose |gamma| is below `collapsedGamma`: their output is the constant beta */
  collapsed: num,
  /** per recorded channel (LayerInfo.unitIndex): running mean, running variance, batch mean, batch variance, gamma, beta */
  runMean: z.array(num),
  runVar: z.array(num),
  batchMean: z.array(num),
  batchVar: z.array(num),
  gamma: z.array(num),
  beta: z.array(num),
});

const foldLayer = z.object({
  /** the BN layer */
  layer: z.string(),
  /** the dense or conv2d layer it folds into; null when there is none right before it */
  into: z.string().nullable(),
  foldable: z.boolean(),
  /** why it cannot be folded */
  reason: z.string().optional(),
  /** max |folded(x) - BN(layer(x))| over the probe batch (NaN when not foldable) */
  maxAbsErr: num,
  /** max |BN(layer(x))|, for scale */
  maxAbsOut: num,
});

/** The fold check at an epoch's end (`final`: on the weights the run ends with), an `instrument` event. */
export const foldRecordSchema = z.object({
  kind: z.literal('fold'),
  final: z.boolean(),
  layers: z.array(foldLayer),
});

export const batchnorm = defineInstrument({
  id: 'batchnorm',
  title: 'Batch norm',
  description: 'batch-norm layers: running against batch statistics per channel, gamma and beta, the scale before BN, and the fold check',
  version: 1,
  options: {
    collapsedGamma: z.number().positive().default(1e-2).describe('a channel whose |gamma| is below this counts as collapsed (its output is the constant beta)'),
    fold: z.boolean().default(true).describe('at every epoch\'s end and on the final model, fold each BN layer into the dense/conv layer before it and compare outputs on the probe batch'),
  },
  payload: z.object({ layers: z.array(layerStats) }),
  records: foldRecordSchema,
});

export type BatchNormLayerStats = z.output<typeof layerStats>;
export type BatchNormPayload = { layers: BatchNormLayerStats[] };
export type FoldLayerRecord = z.output<typeof foldLayer>;
export type FoldRecord = z.output<typeof foldRecordSchema>;

/** The class name of tfjs' batch-normalisation layer, as LayerInfo reports it. */
export const BN_CLASS = 'BatchNormalization';
