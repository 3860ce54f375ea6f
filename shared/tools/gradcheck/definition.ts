// The gradient check: backprop gradients against central finite differences, per variable.
import { z } from 'zod';
import { defineTool } from '../framework/define.ts';
import { num } from '../../json-number.ts';

const result = z.object({
  passed: z.boolean(),
  eps: z.number(),
  samples: z.number().int(),
  /** a variable passes when its median relative error is below this */
  tolerance: z.number(),
  variables: z.array(z.object({ variable: z.string(), checked: z.number().int(), maxRelError: num, medianRelError: num })),
  backend: z.string(),
});

export const gradcheckTool = defineTool({
  id: 'gradcheck',
  title: 'Gradient check',
  summary: 'backprop gradients against finite differences, per variable; exit 0 when they match, 1 when one does not',
  version: 1,
  options: {},
  result,
  verdict: (r) => r.passed,
});

export type GradcheckResult = z.output<typeof result>;
