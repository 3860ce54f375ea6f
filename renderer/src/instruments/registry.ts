// The renderer's side of the instrument registry, data part: the same ids in the same order as
// shared/instruments/registry.ts (a test checks). Their views are listed in view-registry.ts.
import type { RendererInstrument } from './framework/instrument.ts';
import { activationsData } from './activations/instrument.ts';
import { gradientsData } from './gradients/instrument.ts';
import { weightsData } from './weights/instrument.ts';
import { batchnormData } from './batchnorm/instrument.ts';
import { predictionsData } from './predictions/instrument.ts';

export const RENDERER_INSTRUMENTS = [activationsData, gradientsData, weightsData, batchnormData, predictionsData] as unknown as readonly RendererInstrument[];
