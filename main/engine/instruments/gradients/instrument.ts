// The gradients instrument, engine side: the raw gradients of a collection step.
import { gradients } from '../../../../shared/instruments/gradients/definition.ts';
import { defineEngineInstrument } from '../framework/index.ts';
import { gradientStats } from './statistics.ts';

export const gradientsInstrument = defineEngineInstrument({
  definition: gradients,
  reads: { gradients: true },
  reduce: (input, ctx) => gradientStats(input.grads!, ctx.trainable, ctx.histogramBins, input.clippedNorm),
});
