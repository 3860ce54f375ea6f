// The learning-rate range test (Smith 2017, "Cyclical Learning Rates for Training Neural
// Networks"; fastai's lr_find): train the spec's fresh model for a few steps while the rate grows
// exponentially from minLr to maxLr, and read off where the loss falls fastest and where it
// blows up. The suggestion, the spec's own rate against it, and the curve behind both.
import { z } from 'zod';
import { defineTool } from '../framework/define.ts';
import { num } from '../../json-number.ts';

export const LR_FIND_DEFAULTS = { steps: 100, minLr: 1e-6, maxLr: 10, stopFactor: 4 } as const;

/** Where the spec's learning rate stands against the range test. */
export const SPEC_LR_STATUS = ['diverges', 'high', 'ok', 'low', 'unknown'] as const;
export type SpecLrStatus = (typeof SPEC_LR_STATUS)[number];

const point = z.object({ lr: num, loss: num });

const result = z.object({
  /** the learning rate of every step taken */
  lrs: z.array(num),
  /** the training loss of every step (of its batch, before its update); NaN where it was not finite */
  losses: z.array(num),
  /** the losses smoothed without lag (local linear fits over log10(lr)); NaN where the loss was not finite */
  smoothed: z.array(num),
  /** the learning rate to use: the steepest descent; null when the loss never fell enough to tell */
  suggested: num.nullable(),
  /** where the smoothed loss falls fastest against log10(lr) */
  steepest: point,
  /** the smoothed loss's minimum */
  minimum: point,
  /** where the test stopped because the loss blew up (smoothed loss over stopFactor x its minimum, or not finite); null if it never did */
  diverged: z.object({ lr: num, step: z.number().int() }).nullable(),
  /** the spec's learning rate (the starting rate when it has a schedule) */
  specLr: num,
  specLrStatus: z.enum(SPEC_LR_STATUS),
  /** the spec's optimiser type */
  optimizer: z.string(),
  /** steps taken */
  steps: z.number().int(),
  stoppedEarly: z.boolean(),
  /** one sentence on the spec's learning rate */
  verdict: z.string(),
  notes: z.array(z.string()),
  backend: z.string(),
});

export const lrFindTool = (() => {
  const d = defineTool({
    id: 'lr-find',
    title: 'LR range test',
    summary: 'trains a few steps while the learning rate grows exponentially: suggests a rate, and says where the loss blows up',
    version: 1,
    options: {
      steps: z.number().int().min(10).max(2000).optional().describe(`steps of the test, one batch each (default ${LR_FIND_DEFAULTS.steps})`),
      minLr: z.number().positive().optional().describe(`the first learning rate (default ${LR_FIND_DEFAULTS.minLr})`),
      maxLr: z.number().positive().optional().describe(`the last learning rate (default ${LR_FIND_DEFAULTS.maxLr})`),
      stopFactor: z.number().gt(1).optional().describe(`stop once the smoothed loss exceeds this many times its minimum (default ${LR_FIND_DEFAULTS.stopFactor})`),
    },
    result,
  });
  // defineTool takes a shape; the one rule across two options is added to the object it builds
  // (a refinement keeps the object, its shape and its strictness).
  const options = d.options.superRefine((o, ctx) => {
    const lo = o.minLr ?? LR_FIND_DEFAULTS.minLr, hi = o.maxLr ?? LR_FIND_DEFAULTS.maxLr;
    // a range test reads the loss across decades of rates: over less than one, the "steepest fall" is ordinary training progress
    if (!(hi >= 10 * lo)) ctx.addIssue({ code: 'custom', path: ['minLr'], message: `--maxLr (${hi}) must be at least 10x --minLr (${lo}): the test spans decades of learning rates` });
  });
  return { ...d, options };
})();

export type LrFindResult = z.output<typeof result>;
export type LrFindOptions = z.output<typeof lrFindTool.options>;
