// The ordered list of instruments. Its order is the order of the instruments' tabs and panels in
// the app and of their hooks in the training loop; the spec's `instruments` section is built
// from it. Adding an instrument means adding its folders and one entry here (and in the engine's
// and the renderer's registries, which must list the same ids in the same order: a test checks).
import { activations } from './activations/definition.ts';
import { gradients } from './gradients/definition.ts';
import { weights } from './weights/definition.ts';
import { batchnorm } from './batchnorm/definition.ts';
import { predictions } from './predictions/definition.ts';

export const INSTRUMENTS = [activations, gradients, weights, batchnorm, predictions] as const;

export type InstrumentId = (typeof INSTRUMENTS)[number]['id'];
export type RegisteredInstrument = (typeof INSTRUMENTS)[number];

export function isInstrumentId(id: string): id is InstrumentId {
  return INSTRUMENTS.some((d) => d.id === id);
}
