// JSON has no NaN or Infinity: JSON.stringify writes them as null. Schemas that read numbers back
// from JSON (run logs, tool results, host messages) turn null back into NaN instead of failing.
import { z } from 'zod';

// (NaN and +-Infinity are accepted too: zod's number() refuses them, and results in memory hold them)
export const num = z.union([z.custom<number>((v) => typeof v === 'number'), z.null()]).transform((v) => v ?? NaN);
