// The engine's side of the instrument registry: the same ids in the same order as
// shared/instruments/registry.ts (a test checks). Collections reduce them in this order and
// their hooks run in this order, after the collection and before the diagnosis.
import type { EngineInstrument } from './framework/instrument.ts';
import { activationsInstrument } from './activations/instrument.ts';
import { gradientsInstrument } from './gradients/instrument.ts';
import { weightsInstrument } from './weights/instrument.ts';
import { batchnormInstrument } from './batchnorm/instrument.ts';
import { predictionsInstrument } from './predictions/instrument.ts';

export const ENGINE_INSTRUMENTS: readonly EngineInstrument[] = [
  activationsInstrument, gradientsInstrument, weightsInstrument, batchnormInstrument, predictionsInstrument,
] as readonly EngineInstrument[];
