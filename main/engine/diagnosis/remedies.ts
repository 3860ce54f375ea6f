// The remedies the diagnosis offers, and the rule that keeps them honest: a remedy is offered
// only when it changes this run's spec, and never against what the run has shown (no higher
// learning rate for a run whose updates were ever too large, or whose small updates come from
// dead or saturated units).
import type { RunSpec } from '../../../shared/spec.ts';
import type { Finding, Remedy } from '../../../shared/diagnosis/finding.ts';
import type { CauseKind } from '../../../shared/diagnosis/diagnosis.ts';
import { changesSpec } from '../../../shared/diagnosis/fixes.ts';
import { isAugmenting } from '../data/augment.ts';

export const R = {
  he: { text: 'He initialisation for ReLU-family layers', fix: 'he_init' },
  glorot: { text: 'Glorot initialisation for tanh/sigmoid/softmax layers', fix: 'glorot_init' },
  lecun: { text: 'LeCun initialisation for SELU layers', fix: 'lecun_init' },
  bn: { text: 'batch normalisation after the affected layers', fix: 'batchnorm' },
  clip: { text: 'gradient clipping by global norm (1.0)', fix: 'clip_norm' },
  lower: { text: 'a 10x lower learning rate', fix: 'lower_lr' },
  raise: { text: 'a 10x higher learning rate', fix: 'raise_lr' },
  adam: { text: 'an adaptive optimiser (Adam)', fix: 'adam' },
  leaky: { text: 'a non-saturating activation (leaky ReLU, ELU)', fix: 'leaky_relu' },
  zeroBias: { text: 'zero bias initialisation, so units start alive', fix: 'zero_bias' },
  early: { text: 'early stopping with best-weight restore', fix: 'early_stopping' },
  dropout: { text: 'dropout', fix: 'dropout' },
  l2: { text: 'L2 weight decay', fix: 'l2' },
  lessReg: { text: 'weaker regularisation (lower dropout, L1/L2)', fix: 'less_regularization' },
  scale: { text: 'standardise the inputs (data.normalize: standardize)', fix: 'standardize_inputs' },
  softmax: { text: 'an output activation that matches the loss (softmax for categorical, sigmoid for binary cross-entropy)', fix: 'softmax_output' },
  capacity: { text: 'more capacity (units or layers)', fix: 'more_capacity' },
  augment: { text: 'data augmentation or more data' },
  weights: { text: 'class weights, resampling, or a metric that sees the small classes' },
  schedule: { text: 'a learning-rate schedule (reduce on plateau)' },
  constant: { text: 'a constant learning rate (no schedule) while you find a rate that works', fix: 'constant_schedule' },
  checkData: { text: 'check the data for NaN, Inf or values that overflow (log of 0, division by 0)' },
} as const satisfies Record<string, Remedy>;

/** What the run has shown that rules remedies out. */
export interface RemedyContext {
  spec: RunSpec;
  /** the update ratio or the loss showed the learning rate too high at some point */
  lrTooHighEver: boolean;
  /** dead or saturated units, or vanishing gradients: small updates have a cause besides the learning rate */
  updatesExplained: boolean;
  /** the run's named cause: a symptom it explains gets no advice against it */
  cause: CauseKind | null;
}

/** The remedies worth offering for this finding in this run, in their order. */
export function applicable(remedies: readonly Remedy[], finding: Pick<Finding, 'layers'> | undefined, ctx: RemedyContext): Remedy[] {
  const sched = ctx.spec.training.schedule?.type ?? 'constant';
  return remedies.filter((r) => {
    if (r.fix === 'raise_lr' && (ctx.lrTooHighEver || ctx.updatesExplained || (ctx.cause !== null && ctx.cause !== 'lr_too_low'))) return false;
    if (r.fix && !changesSpec(ctx.spec, r.fix, finding)) return false;
    if (r === R.schedule && sched !== 'constant') return false;
    if (r === R.augment && isAugmenting(ctx.spec.data.augment)) return false;
    return true;
  });
}
