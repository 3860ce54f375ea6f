// The gradients instrument, renderer side: its numbers, packed for the run library and added to
// the run's data.
import { gradients } from '../../../../shared/instruments/gradients/definition.ts';
import { defineRendererInstrument } from '../framework/index.ts';
import { addGradients, gradientsSize, gradientsStore, packGradients } from './store.ts';

export const gradientsData = defineRendererInstrument({
  definition: gradients,
  store: gradientsStore,
  packedSize: gradientsSize,
  pack: packGradients,
  add: addGradients,
});
