// The ordered list of instruments. Its order is the order of the tabs in the app; adding an
// instrument means adding its payload module and one entry here.
import { ACTIVATIONS_VERSION } from './activations.ts';
import { GRADIENTS_VERSION } from './gradients.ts';
import { WEIGHTS_VERSION } from './weights.ts';

export const INSTRUMENTS = [
  { id: 'activations', title: 'Activations', version: ACTIVATIONS_VERSION },
  { id: 'gradients', title: 'Gradients', version: GRADIENTS_VERSION },
  { id: 'weights', title: 'Weights & updates', version: WEIGHTS_VERSION },
] as const;

export type InstrumentId = (typeof INSTRUMENTS)[number]['id'];
