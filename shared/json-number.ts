// JSON has no NaN or Infinity: JSON.stringify writes them as null. Schemas that read numbers back
// from JSON (run logs, tool results, host messages) turn null back into NaN instead of failing.
import { z } from 'zod';

export const num = z.union([z.number(), z.null()]).transform((v) => v ?? NaN);
