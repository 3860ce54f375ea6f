// The predictions instrument's view: the misclassification browser.
import { predictions } from '../../../../shared/instruments/predictions/definition.ts';
import { defineInstrumentViews } from '../framework/index.ts';
import MisclassifiedView from './MisclassifiedView.svelte';

export const predictionsViews = defineInstrumentViews(predictions, {
  views: [{
    id: 'predictions', title: 'Misclassified', component: MisclassifiedView,
    available: (run) => run.predictions.validation.size + run.predictions.test.size + run.predictions.train.size > 0,
  }],
  evidenceView: () => 'predictions',
});
