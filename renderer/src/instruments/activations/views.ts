// The activations instrument's views: the saturation heatmap (its own tab) and, in the Layers
// view, the chosen layer's activation distribution over time and its latest histogram.
import { activations } from '../../../../shared/instruments/activations/definition.ts';
import { defineInstrumentViews } from '../framework/index.ts';
import SaturationView from './SaturationView.svelte';
import DistributionPanel from './DistributionPanel.svelte';
import HistogramPanel from './HistogramPanel.svelte';

export const activationsViews = defineInstrumentViews(activations, {
  views: [{ id: 'saturation', title: 'Saturation', component: SaturationView }],
  panels: [
    { view: 'layers', scope: 'chosen-layer', component: DistributionPanel },
    { view: 'layers', scope: 'chosen-layer', component: HistogramPanel },
  ],
  // The scale of activations through depth is read off the Layers view; saturation and dead units off the heatmap.
  evidenceView: (f) => (f.kind === 'init_activation_scale' ? 'layers' : 'saturation'),
});
