// The diagnosis of a run: the most likely cause, the chain from it to what can be seen, and the
// grouped findings (shared/diagnosis/finding.ts) with which of them the cause explains. The
// engine names the cause (main/engine/diagnosis/causes.ts); the app shows it as the card at the
// top of Overview and `trainscope inspect --json` prints it.
import type { FindingKind, MetricId, Remedy, Severity } from './finding.ts';

/** What can be named as the root cause of a run's problems. */
export type CauseKind =
  | 'lr_too_high' | 'lr_too_low' | 'bad_init_scale' | 'dead_at_init' | 'inputs_not_scaled'
  | 'output_loss_mismatch' | 'deep_saturating_stack' | 'too_little_capacity' | 'over_regularized'
  | 'overfitting' | 'class_imbalance' | 'numerical_instability' | 'units_lost_in_training';

/** One link of the chain from the cause to a visible symptom, with the number that shows it. */
export interface CauseLink {
  kind: CauseKind | FindingKind;
  /** "large updates in the first steps (update ratio 46 at step 3)" */
  text: string;
  step: number;
  layers: string[];
}

export interface Cause {
  kind: CauseKind;
  /** 0..1: how strongly the evidence points here rather than elsewhere */
  confidence: number;
  title: string;
  /** the chain in order, cause first: [cause, ...the finding kinds it explains] */
  chain: (CauseKind | FindingKind)[];
  /** the same chain in words, with numbers and steps */
  links: CauseLink[];
  layers: string[];
  /** first step at which the cause shows (-1: in the set-up) */
  step: number;
  explanation: string;
  /** the fix to try first leads; each changes this run's spec */
  remedies: Remedy[];
  /** the finding kinds it explains: shown under it, not as separate advice */
  explains: FindingKind[];
  /** other causes considered, weaker */
  alternatives: { kind: CauseKind; confidence: number }[];
}

export interface DiagnosisGroup {
  kind: FindingKind;
  severity: Severity;
  layers: string[];
  step: number;
  title: string;
  /** the cause that explains this group, or null when it stands on its own */
  explainedBy: CauseKind | null;
}

/** The latest per-layer and whole-model numbers (see Metric): what a fix trial compares. */
export interface Vitals {
  step: number;
  layers: Record<string, Partial<Record<MetricId, number>>>;
  model: Partial<Record<MetricId, number>>;
}

export interface Diagnosis {
  cause: Cause | null;
  groups: DiagnosisGroup[];
  vitals: Vitals | null;
}

/** What `inspect --json` prints: the cause and groups without the card's words. */
export function diagnosisSummary(d: Diagnosis) {
  return {
    cause: d.cause && { kind: d.cause.kind, confidence: d.cause.confidence, chain: d.cause.chain, layers: d.cause.layers, step: d.cause.step, title: d.cause.title },
    groups: d.groups.map((g) => ({ kind: g.kind, severity: g.severity, layers: g.layers, step: g.step, title: g.title, explainedBy: g.explainedBy })),
  };
}
