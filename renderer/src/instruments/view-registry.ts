// The renderer's side of the instrument registry, views part: the same ids in the same order as
// shared/instruments/registry.ts (a test checks). Tabs and panels appear in this order.
import type { InstrumentViews } from './framework/instrument.ts';
import { activationsViews } from './activations/views.ts';
import { gradientsViews } from './gradients/views.ts';
import { weightsViews } from './weights/views.ts';
import { batchnormViews } from './batchnorm/views.ts';
import { predictionsViews } from './predictions/views.ts';

export const INSTRUMENT_VIEWS: readonly InstrumentViews[] = [activationsViews, gradientsViews, weightsViews, batchnormViews, predictionsViews];
