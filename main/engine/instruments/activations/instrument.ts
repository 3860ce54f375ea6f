// The activations instrument, engine side: every layer's output on the probe batch.
import { activations } from '../../../../shared/instruments/activations/definition.ts';
import { defineEngineInstrument } from '../framework/index.ts';
import { activationStats } from './statistics.ts';

export const activationsInstrument = defineEngineInstrument({
  definition: activations,
  reads: { probe: true },
  reduce: (input, ctx, options) => activationStats(input.probe!.output, ctx.layers, options, ctx.histogramBins),
});
