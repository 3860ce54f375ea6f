// Summary statistics of one tensor at one collection, shared by the instruments that reduce
// tensors (activations, gradients, weights). The schemas read payloads back from JSON, where
// NaN and Infinity were written as null: they turn back into NaN rather than failing.
import { z } from 'zod';
import { num } from '../../json-number.ts';

export { num };

export const histogramSchema = z.object({ lo: num, hi: num, counts: z.array(num) });
/** Equal-width bins over [lo, hi]. */
export type Histogram = z.output<typeof histogramSchema>;

export const tensorSummaryShape = {
  count: num,
  mean: num,
  std: num,
  min: num,
  max: num,
  /** fraction of elements exactly zero */
  zeroFrac: num,
  nan: num,
  inf: num,
  hist: histogramSchema,
};
/** Non-finite values are counted, and left out of the other statistics. */
export type TensorSummary = z.output<z.ZodObject<typeof tensorSummaryShape>>;
