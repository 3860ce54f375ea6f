// How the diagnosis reads on screen: a confidence in words, a cause or finding kind as a short
// label, a metric's value in its own format.
import type { FindingKind, Metric } from '../../../shared/diagnosis/finding.ts';
import type { CauseKind } from '../../../shared/diagnosis/diagnosis.ts';
import { formatValue } from '../charts/line-model.ts';

/** "likely (80%)": words first, the number for those who want it. */
export function confidenceWords(c: number): string {
  const p = Math.round(Math.max(0, Math.min(1, c)) * 100);
  const w = c >= 0.9 ? 'almost certain' : c >= 0.7 ? 'likely' : c >= 0.45 ? 'possible' : 'a guess';
  return `${w} (${p}%)`;
}

export const KIND_LABELS: Record<CauseKind | FindingKind, string> = {
  // causes
  lr_too_high: 'learning rate too high', lr_too_low: 'learning rate too low', bad_init_scale: 'initialisation scale',
  dead_at_init: 'dead at initialisation', inputs_not_scaled: 'inputs not scaled', output_loss_mismatch: 'output does not match the loss',
  deep_saturating_stack: 'deep saturating stack', too_little_capacity: 'too little capacity', over_regularized: 'too much regularisation',
  overfitting: 'overfitting', class_imbalance: 'class imbalance', numerical_instability: 'numerical instability', units_lost_in_training: 'units lost in training',
  // findings (the ones not named above)
  non_finite: 'NaN / Inf', exploding_gradients: 'exploding gradients', vanishing_gradients: 'vanishing gradients',
  saturated_units: 'saturated units', dead_units: 'dead units', init_activation_scale: 'activation scale at init',
  init_loss_mismatch: 'initial loss off', init_mismatched_initializer: 'initialiser mismatch', plateau: 'plateau', underfitting: 'underfitting',
  data_overlap: 'held-out samples repeat training ones', conflicting_labels: 'identical inputs, different labels', label_leak: 'a feature gives the label away', split_class_mix: 'held-out class mix differs from training',
};

export const kindLabel = (k: string): string => KIND_LABELS[k as FindingKind] ?? k.replace(/_/g, ' ');

/** A metric's value as the finding states it: a percentage or a plain number. */
export function formatMetric(m: Pick<Metric, 'format'> | null | undefined, v: number | null | undefined): string {
  if (v === null || v === undefined) return '--';
  if (!Number.isFinite(v)) return String(v);
  if (m?.format === 'pct') { const p = v * 100; return `${p !== 0 && Math.abs(p) < 10 ? p.toFixed(1) : Math.round(p)}%`; }
  return formatValue(v);
}

/** "step 20", or "set-up" for checks before training. */
export const stepWords = (step: number): string => (step >= 0 ? `step ${step}` : 'set-up');
