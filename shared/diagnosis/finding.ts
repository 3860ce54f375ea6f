// Diagnosis: findings about a run, each with its evidence, an explanation and the remedies that
// usually work. Heuristics and thresholds follow Karpathy's "A Recipe for Training Neural
// Networks" (2019), AUTOTRAINER (Zhang et al., ICSE 2021), DeepDiagnosis (Wardat et al., ICSE
// 2022) and UMLAUT (Schoop et al., CHI 2021); see README "Diagnosis" for each check's source.
//
// A finding is a symptom or a suspect set-up, one per kind: the layers it affects are listed in
// it, each with its own numbers. The cause that explains them is named by shared/diagnosis/cause.ts.

import type { InstrumentId } from '../instruments/registry.ts';

export type FindingKind =
  | 'non_finite' | 'exploding_gradients' | 'vanishing_gradients' | 'saturated_units' | 'dead_units'
  | 'init_activation_scale' | 'init_loss_mismatch' | 'init_mismatched_initializer'
  | 'lr_too_high' | 'lr_too_low' | 'plateau' | 'overfitting' | 'underfitting'
  | 'inputs_not_scaled' | 'output_loss_mismatch' | 'class_imbalance'
  // the data checks before training (DataInfo.audit)
  | 'data_overlap' | 'conflicting_labels' | 'label_leak' | 'split_class_mix';

export type Severity = 'info' | 'warning' | 'error';

/** A change to the spec that a remedy can try (see shared/diagnosis/fixes.ts). */
export type FixId =
  | 'he_init' | 'glorot_init' | 'lecun_init' | 'batchnorm' | 'clip_norm' | 'lower_lr' | 'raise_lr' | 'early_stopping'
  | 'leaky_relu' | 'dropout' | 'l2' | 'standardize_inputs' | 'softmax_output' | 'adam' | 'more_capacity'
  | 'zero_bias' | 'less_regularization' | 'constant_schedule';

export interface Remedy { text: string; fix?: FixId }

/**
 * Whose numbers show a finding: an instrument (the app opens that instrument's view), the run's
 * loss and metrics ('run'), or the spec, data and model it was set up with ('setup').
 */
export type EvidenceSource = InstrumentId | 'run' | 'setup';

/**
 * The per-layer numbers a finding (and a trial of its fix) is judged by. Each is a number a
 * collection gives for one layer, or for the whole model ('model'); diagnosis `vitals` hold the
 * latest of each, so a variant run can be compared on the same metric and layers.
 */
export type MetricId =
  | 'saturated_fraction' | 'dead_fraction' | 'grad_rms_ratio' | 'update_ratio' | 'activation_std'
  | 'grad_norm' | 'loss' | 'loss_gap' | 'train_accuracy' | 'input_scale' | 'initial_loss' | 'held_out_in_train';

export interface Metric {
  id: MetricId;
  /** in words, for labels: "saturated fraction" */
  label: string;
  /** how a value prints: a percentage or a plain number */
  format: 'pct' | 'num';
  /** which way is better: 'low' (saturation) or 'high' (gradient ratio); 'band' when both extremes are bad */
  better: 'low' | 'high' | 'band';
  /** the check's threshold, when it has one */
  threshold: number | null;
}

/** One affected layer of a grouped finding. */
export interface LayerEvidence {
  layer: string;
  /** the metric's value that triggered the finding on this layer */
  value: number;
  /** when it was first seen on this layer */
  step: number;
  /** the metric at each collection so far (at most 48 points, evenly thinned), for a sparkline */
  series: number[];
  seriesSteps: number[];
}

export interface Finding {
  /** stable within a run: one per kind (a group), except non_finite, which is about one tensor */
  id: string;
  kind: FindingKind;
  severity: Severity;
  /** agrees with `value`, which triggered it and which the first line of `evidence` states */
  title: string;
  layers: string[];
  tensor?: string;
  /** first step (and epoch) at which it was seen; -1 for set-up checks before training */
  step: number;
  epoch: number;
  /** the metric the finding is judged by, and the value that triggered it (worst over its layers) */
  metric?: Metric;
  value?: number;
  /** the affected layers, each with its own numbers (layer-level findings only) */
  perLayer?: LayerEvidence[];
  /** the numbers that show it, in words; the first states the triggering number */
  evidence: string[];
  explanation: string;
  remedies: Remedy[];
  source: EvidenceSource;
}
