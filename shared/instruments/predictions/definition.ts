// Per-sample predictions of the validation and test splits at an epoch's end, for the
// misclassification browser. Not part of collections: they travel as `predictions` and
// `samples` events, the numbers packed compactly (see packing.ts).
import { z } from 'zod';
import { defineInstrument } from '../framework/define.ts';

export const predictions = defineInstrument({
  id: 'predictions',
  title: 'Misclassified',
  description: 'per-sample predictions for the misclassification browser',
  version: 1,
  options: {
    every: z.number().int().min(0).default(1).describe('evaluate per-sample predictions every this many epochs (0: only at the end)'),
    topK: z.number().int().min(1).max(10).default(3).describe('top-k class probabilities kept per sample'),
    splits: z.array(z.enum(['validation', 'test'])).default(['validation', 'test']).describe('which splits are evaluated sample by sample'),
    threshold: z.number().gt(0).lt(1).default(0.5).describe('decision threshold of a single sigmoid output (binary tasks)'),
  },
});

export interface ClassMetrics { precision: number; recall: number; accuracy: number; support: number }

/** Which samples were predicted: a held-out split, or the training split cross-validated (each sample predicted by a model trained without it: the data audit). */
export type PredictionSplit = 'validation' | 'test' | 'train';

export interface PredictionsHeader {
  epoch: number;
  split: PredictionSplit;
  n: number;
  /** samples in the whole split, when these n are a subset of it (the data audit sends its most suspicious training samples) */
  total?: number;
  /** classes, or 0 for regression */
  classes: number;
  k: number;
  task: 'multiclass' | 'binary' | 'regression';
  loss: number;
  accuracy: number | null;
  /** confusion[true][predicted] (classification) */
  confusion: number[][] | null;
  perClass: ClassMetrics[] | null;
  /** confident learning over this split's predictions (classification; absent in older runs) */
  labelIssues?: LabelIssueSummary | null;
}

/** What confident learning (Northcutt et al. 2021) makes of a split's out-of-sample predictions. */
export interface LabelIssueSummary {
  /** its estimate of how many given labels are wrong; the model's own errors inflate it */
  estimated: number;
  /** samples flagged as likely label issues (pruned by the estimated noise rates) */
  flagged: number;
  /** noiseMatrix[given][true]: P(given label = i | true label = j), each column summing to 1; empty above 100 classes (K x K numbers in every evaluation) */
  noiseMatrix: number[][];
  /** per class: the mean probability the model gives it over the samples labelled with it */
  thresholds: number[];
}

/** Confident learning's self-confidence score: the lower the probability of the given label, the likelier a label issue. */
export function labelIssueScore(pGiven: number): number {
  return 1 - pGiven;
}
