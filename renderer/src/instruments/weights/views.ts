// The weights instrument's views: in the Layers view, each layer's update ratio with the 1e-3
// reference, and the chosen layer's kernel histogram.
import { weights } from '../../../../shared/instruments/weights/definition.ts';
import { defineInstrumentViews } from '../framework/index.ts';
import UpdateRatioPanel from './UpdateRatioPanel.svelte';
import KernelHistogramPanel from './KernelHistogramPanel.svelte';

export const weightsViews = defineInstrumentViews(weights, {
  panels: [
    { view: 'layers', scope: 'all-layers', component: UpdateRatioPanel },
    { view: 'layers', scope: 'chosen-layer', component: KernelHistogramPanel },
  ],
  evidenceView: () => 'layers',
});
