// The gradients instrument's views: the global gradient norm on the Overview (before and after
// clipping) and each layer's gradient norm in the Layers view (log scale: vanishing and
// exploding at a glance).
import { gradients } from '../../../../shared/instruments/gradients/definition.ts';
import { defineInstrumentViews } from '../framework/index.ts';
import GlobalNormPanel from './GlobalNormPanel.svelte';
import LayerNormsPanel from './LayerNormsPanel.svelte';

export const gradientsViews = defineInstrumentViews(gradients, {
  panels: [
    { view: 'overview', component: GlobalNormPanel },
    { view: 'layers', scope: 'all-layers', component: LayerNormsPanel },
  ],
  evidenceView: () => 'layers',
});
