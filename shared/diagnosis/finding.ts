// Diagnosis: findings about a run, each with its evidence, an explanation and the remedies that
// usually work. Heuristics and thresholds follow Karpathy's "A Recipe for Training Neural
// Networks" (2019), AUTOTRAINER (Zhang et al., ICSE 2021), DeepDiagnosis (Wardat et al., ICSE
// 2022) and UMLAUT (Schoop et al., CHI 2021); see README "Diagnosis" for each check's source.

import type { InstrumentId } from '../instruments/registry.ts';

export type FindingKind =
  | 'non_finite' | 'exploding_gradients' | 'vanishing_gradients' | 'saturated_units' | 'dead_units'
  | 'init_activation_scale' | 'init_loss_mismatch' | 'init_mismatched_initializer'
  | 'lr_too_high' | 'lr_too_low' | 'plateau' | 'overfitting' | 'underfitting'
  | 'inputs_not_scaled' | 'output_loss_mismatch' | 'class_imbalance';

export type Severity = 'info' | 'warning' | 'error';

/** A change to the spec that a remedy can try (see shared/diagnosis/fixes.ts). */
export type FixId =
  | 'he_init' | 'glorot_init' | 'lecun_init' | 'batchnorm' | 'clip_norm' | 'lower_lr' | 'raise_lr' | 'early_stopping'
  | 'leaky_relu' | 'dropout' | 'l2' | 'standardize_inputs' | 'softmax_output' | 'adam' | 'more_capacity';

export interface Remedy { text: string; fix?: FixId }

/**
 * Whose numbers show a finding: an instrument (the app opens that instrument's view), the run's
 * loss and metrics ('run'), or the spec, data and model it was set up with ('setup').
 */
export type EvidenceSource = InstrumentId | 'run' | 'setup';

export interface Finding {
  /** stable within a run: kind plus the layer or tensor it is about */
  id: string;
  kind: FindingKind;
  severity: Severity;
  title: string;
  layers: string[];
  tensor?: string;
  /** first step (and epoch) at which it was seen; -1 for set-up checks before training */
  step: number;
  epoch: number;
  /** the numbers that show it, in words */
  evidence: string[];
  explanation: string;
  remedies: Remedy[];
  source: EvidenceSource;
}
