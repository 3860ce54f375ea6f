// JSON has no NaN or Infinity: JSON.stringify writes them as null. Schemas that read numbers back
// from JSON (run logs, tool results, host messages) turn null back into NaN instead of failing.
import { z } from 'zod';

// (NaN itself is accepted too: zod's number() refuses it, and payloads in memory hold it)
export const num = z.union([z.number(), z.nan(), z.null()]).transform((v) => v ?? NaN);
