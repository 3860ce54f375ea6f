// The batch-norm instrument's view: a tab of its own, available when the run's model has a
// batch-normalisation layer; findings about BN numbers show their evidence there.
import { batchnorm, BN_CLASS } from '../../../../shared/instruments/batchnorm/definition.ts';
import { defineInstrumentViews } from '../framework/index.ts';
import BatchNormView from './BatchNormView.svelte';

export const batchnormViews = defineInstrumentViews(batchnorm, {
  views: [{
    id: 'batchnorm', title: 'Batch norm', component: BatchNormView,
    available: (run) => run.layerInfo.some((l) => l.className === BN_CLASS),
  }],
  evidenceView: () => 'batchnorm',
});
