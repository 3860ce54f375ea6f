// The predictions instrument, renderer side. Its numbers come as `predictions` and `samples`
// events, which the run's data and the run library keep as typed arrays: nothing to pack here.
import { predictions } from '../../../../shared/instruments/predictions/definition.ts';
import { defineRendererInstrument } from '../framework/index.ts';

export const predictionsData = defineRendererInstrument({ definition: predictions });
