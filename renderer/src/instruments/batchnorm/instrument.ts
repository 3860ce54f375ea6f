// The batch-norm instrument, renderer side: its collection numbers packed for the run library
// and added to the run's data, and its fold checks (`instrument` events) added as they come.
import { batchnorm } from '../../../../shared/instruments/batchnorm/definition.ts';
import { defineRendererInstrument } from '../framework/index.ts';
import { addBatchNorm, addFold, batchNormSize, batchnormStore, packBatchNorm } from './store.ts';

export const batchnormData = defineRendererInstrument({
  definition: batchnorm,
  store: batchnormStore,
  packedSize: batchNormSize,
  pack: packBatchNorm,
  add: addBatchNorm,
  addRecord: (store, e, data) => addFold(store, e.step, e.epoch, data),
});
