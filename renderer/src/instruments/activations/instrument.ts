// The activations instrument, renderer side: its numbers, packed for the run library and added to
// the run's data.
import { activations } from '../../../../shared/instruments/activations/definition.ts';
import { defineRendererInstrument } from '../framework/index.ts';
import { activationsSize, activationsStore, addActivations, packActivations } from './store.ts';

export const activationsData = defineRendererInstrument({
  definition: activations,
  store: activationsStore,
  packedSize: activationsSize,
  pack: packActivations,
  add: addActivations,
});
