/** A histogram of one tensor at one collection: equal-width bins over [lo, hi]. */
export interface Histogram {
  lo: number;
  hi: number;
  counts: number[];
}

/** Summary statistics of one tensor. Non-finite values are counted, and left out of the rest. */
export interface TensorSummary {
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  /** fraction of elements exactly zero */
  zeroFrac: number;
  nan: number;
  inf: number;
  hist: Histogram;
}
