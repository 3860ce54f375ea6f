// The weights instrument, renderer side: its numbers, packed for the run library and added to the
// run's data.
import { weights } from '../../../../shared/instruments/weights/definition.ts';
import { defineRendererInstrument } from '../framework/index.ts';
import { addWeights, packWeights, weightsSize, weightsStore } from './store.ts';

export const weightsData = defineRendererInstrument({
  definition: weights,
  store: weightsStore,
  packedSize: weightsSize,
  pack: packWeights,
  add: addWeights,
});
