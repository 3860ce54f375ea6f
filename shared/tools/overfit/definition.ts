// The small-dataset overfit check (Karpathy's "overfit one batch"): can the model drive the
// training loss of a handful of samples to ~0? Its verdict, reason and evidence.
import { z } from 'zod';
import { defineTool } from '../framework/define.ts';
import { num } from '../../json-number.ts';

export const OVERFIT_REASONS = [
  'lr_too_high', 'lr_too_low', 'dead_units', 'saturated_units', 'frozen_layers',
  'inputs_labels_misaligned', 'output_loss_mismatch', 'too_few_parameters', 'budget_exhausted',
] as const;
export type OverfitReason = (typeof OVERFIT_REASONS)[number];

const result = z.object({
  passed: z.boolean(),
  reason: z.enum(OVERFIT_REASONS).nullable(),
  /** one sentence: what is wrong and what usually fixes it */
  explanation: z.string().nullable(),
  /** the numbers behind the verdict */
  evidence: z.array(z.string()),
  finalLoss: num,
  finalAccuracy: num.nullable(),
  steps: z.number().int(),
  initialLoss: num,
  expectedInitialLoss: num.nullable(),
  initialLossOk: z.boolean().nullable(),
  samples: z.number().int(),
  /** what the check turned off to give the model its best chance (dropout, L2, augmentation...) */
  switchedOff: z.array(z.string()),
  /** the training loss of every step */
  losses: z.array(num),
  backend: z.string(),
});

export const overfitTool = defineTool({
  id: 'overfit',
  title: 'Overfit check',
  summary: 'can the model fit a small subset? exit 0 pass, 1 fail (with the likely reason), 2 bad input',
  // 2: camelCase keys, and the reasons named as the diagnosis names them (lr_too_high)
  version: 2,
  options: {
    samples: z.number().int().positive().optional().describe('size of the subset (default: overfit.samples, else one batch)'),
    steps: z.number().int().positive().optional().describe('training budget in steps (default: overfit.maxSteps)'),
  },
  result,
  verdict: (r) => r.passed,
});

export type OverfitResult = z.output<typeof result>;
