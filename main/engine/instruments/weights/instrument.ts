// The weights instrument, engine side: every trainable variable after the update, and the update ratio.
import { weights } from '../../../../shared/instruments/weights/definition.ts';
import { defineEngineInstrument } from '../framework/index.ts';
import { weightStats } from './statistics.ts';

export const weightsInstrument = defineEngineInstrument({
  definition: weights,
  reads: { weights: true, before: true },
  reduce: (input, ctx) => weightStats(input.before!, input.weights!, ctx.trainable, ctx.histogramBins),
});
