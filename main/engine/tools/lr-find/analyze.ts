// The range test's arithmetic, apart from any training so it can be tested on made-up curves:
// the rate schedule, the online (debiased EMA) divergence rule, the lag-free smoothing, and what
// the curve says about a learning rate.
import type { SpecLrStatus } from '../../../../shared/tools/lr-find/definition.ts';

/** The i-th of n rates spaced evenly in log between minLr and maxLr (both included). */
export function rangeLr(i: number, n: number, minLr: number, maxLr: number): number {
  return n <= 1 ? minLr : minLr * Math.pow(maxLr / minLr, i / (n - 1));
}

/**
 * The EMA's decay for a test of `steps` steps: a memory of about 5% of the steps (at least 5).
 * fastai's fixed 0.98 remembers 50 steps, half of a 100-step test: the running loss then trails
 * a blow-up by decades of learning rate, and may never reach the stop factor before maxLr.
 */
export const watchBeta = (steps: number) => 1 - 1 / Math.max(5, steps * 0.05);

/**
 * The running loss as the test sees it step by step: an exponential moving average, debiased for
 * its zero start (as Adam's moments). It lags, so it only decides when to stop, never where the
 * suggestion is.
 */
export class DivergenceWatch {
  private avg = 0;
  private k = 0;
  best = Infinity;
  smoothed = NaN;

  constructor(private readonly stopFactor: number, private readonly beta: number) {}

  /** Takes one step's loss; true when the test should stop here (the loss has blown up). */
  push(loss: number): boolean {
    if (!Number.isFinite(loss)) return true;
    this.k++;
    this.avg = this.beta * this.avg + (1 - this.beta) * loss;
    this.smoothed = this.avg / (1 - Math.pow(this.beta, this.k));
    if (this.smoothed < this.best) this.best = this.smoothed;
    return this.k > 1 && this.smoothed > this.stopFactor * this.best;
  }
}

/**
 * A centred local linear fit at every point (LOESS of degree 1, tricube weights over the points
 * within `half` on either side, fewer at the ends): the fitted value and its slope dy/dx, without
 * the lag of a causal average. Degree 1 rather than 2 (Savitzky-Golay): where the loss turns up
 * sharply a parabola overshoots below the data just before the turn, and moves the minimum there;
 * a line errs upward, towards the safe side. At the steepest point (an inflection) the two agree.
 */
export function localLinear(x: ArrayLike<number>, y: ArrayLike<number>, half: number): { value: number[]; slope: number[] } {
  const n = y.length, value: number[] = [], slope: number[] = [];
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, i - half), hi = Math.min(n - 1, i + half);
    let sw = 0, sx = 0, sy = 0;
    const w: number[] = [];
    for (let j = lo; j <= hi; j++) {
      const u = Math.abs(j - i) / (half + 1);
      const wj = (1 - u * u * u) ** 3;
      w.push(wj);
      sw += wj; sx += wj * x[j]; sy += wj * y[j];
    }
    const mx = sx / sw, my = sy / sw;
    let sxx = 0, sxy = 0;
    for (let j = lo; j <= hi; j++) {
      const wj = w[j - lo], d = x[j] - mx;
      sxx += wj * d * d; sxy += wj * d * (y[j] - my);
    }
    const b = sxx > 0 ? sxy / sxx : 0;
    value.push(my + b * (x[i] - mx));
    slope.push(b);
  }
  return { value, slope };
}

export interface RangeAnalysis {
  smoothed: number[];
  steepest: { lr: number; loss: number };
  minimum: { lr: number; loss: number };
  suggested: number | null;
  diverged: { lr: number; step: number } | null;
  specLrStatus: SpecLrStatus;
  verdict: string;
  notes: string[];
}

/** The smoothing window's half-width in points: about 8% of the curve on either side, at least 2. */
export const halfWindow = (points: number) => Math.max(2, Math.round(points * 0.08));

/** The smallest relative fall of the smoothed loss that counts as the loss falling at all. */
export const MIN_FALL = 0.05;

export const fmtLr = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(2)).toExponential() : String(v)).replace(/e\+?/, 'e');
const fmtLoss = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toFixed(4) : v.toExponential(2)) : String(v));
const times = (a: number, b: number) => { const r = a / b; return r >= 10 ? r.toFixed(0) : r.toFixed(1); };

/**
 * What a range test's curve says. `lrs` and `losses` are the steps taken, the last possibly not
 * finite; `divergedAt` the step where the test stopped because the loss blew up (null if it ran to
 * maxLr). Steepest: the most negative slope of the smoothed loss against log10(lr), between the
 * first few points and the smoothed minimum (and short of the last few); the suggestion.
 */
export function analyzeRange(input: {
  lrs: ArrayLike<number>; losses: ArrayLike<number>; divergedAt: number | null; specLr: number;
  range?: { minLr: number; maxLr: number };
}): RangeAnalysis {
  const { lrs, losses, divergedAt, specLr } = input;
  let m = 0; // the finite prefix: the test stops at the first non-finite loss
  while (m < losses.length && Number.isFinite(losses[m])) m++;
  const x = Array.from({ length: m }, (_, i) => Math.log10(lrs[i]));
  const half = halfWindow(m);
  const { value, slope } = localLinear(x, Array.from({ length: m }, (_, i) => losses[i]), half);
  const smoothed = Array.from({ length: losses.length }, (_, i) => (i < m ? value[i] : NaN));
  const notes: string[] = [];

  let iMin = -1;
  for (let i = 0; i < m; i++) if (iMin < 0 || value[i] < value[iMin]) iMin = i;
  // steepest: skip the ends, where the fit sees one side only; stop at the minimum (after it the loss no longer falls)
  const lo = Math.min(half, Math.max(0, m - 1)), hi = Math.max(lo, Math.min(iMin, m - 1 - half));
  let iSteep = -1;
  for (let i = lo; i <= hi && i < m; i++) if (iSteep < 0 || slope[i] < slope[iSteep]) iSteep = i;
  const at = (i: number) => (i >= 0 ? { lr: lrs[i], loss: value[i] } : { lr: NaN, loss: NaN });
  const steepest = at(iSteep), minimum = at(iMin);
  const start = m ? value[0] : NaN;
  const fell = m >= 2 * half + 3 && iSteep >= 0 && slope[iSteep] < 0 && (start - minimum.loss) > MIN_FALL * Math.abs(start);
  const suggested = fell ? steepest.lr : null;
  const diverged = divergedAt === null ? null : { lr: lrs[divergedAt], step: divergedAt };

  if (fell) {
    notes.push(`suggested: the steepest fall of the smoothed loss, at lr ${fmtLr(steepest.lr)} (loss ${fmtLoss(steepest.loss)}); the other common rule, a tenth of the minimum's rate, gives ${fmtLr(minimum.lr / 10)}`);
  } else {
    notes.push(m < 2 * half + 3
      ? `only ${m} steps before the loss blew up: too few to read a slope; start the range lower (minLr) or take more steps`
      : `the smoothed loss never fell by ${MIN_FALL * 100}% (from ${fmtLoss(start)} to at best ${fmtLoss(minimum.loss)}): no suggestion; start the range lower, or check the data and the model (the overfit check) first`);
  }
  if (Number.isFinite(minimum.loss)) notes.push(`minimum of the smoothed loss ${fmtLoss(minimum.loss)} at lr ${fmtLr(minimum.lr)}`);
  notes.push(diverged && diverged.step === 0
    ? `the loss was not finite at the very first step (lr ${fmtLr(diverged.lr)}): the data or the model is broken, not the rate; the overfit check says more`
    : diverged
    ? `the loss blew up at lr ${fmtLr(diverged.lr)} (step ${diverged.step}); rates at and above it diverge, at least on a model already partly trained by the test`
    : `the loss did not blow up up to lr ${fmtLr(m ? lrs[m - 1] : NaN)}: the divergence point lies above the range`);
  // cross-entropy saturates (and a network whose units die falls back to chance): a blow-up can stay under the stop factor
  if (!diverged && m > 2 * half && value[m - 1] > start) {
    notes.push(`but the smoothed loss ends above where it started (${fmtLoss(value[m - 1])} > ${fmtLoss(start)}): the high end of the range is unstable, though it never reached the stop factor`);
  }
  if (input.range && (specLr < input.range.minLr || specLr > input.range.maxLr)) {
    notes.push(`the spec's lr ${fmtLr(specLr)} lies outside the tested range ${fmtLr(input.range.minLr)}..${fmtLr(input.range.maxLr)}`);
  }

  let specLrStatus: SpecLrStatus, verdict: string;
  const spec = `the spec's lr ${fmtLr(specLr)}`;
  if (suggested === null) {
    specLrStatus = 'unknown';
    verdict = `no suggestion to compare ${spec} with: the loss did not fall in the range test`;
  } else if (specLr > 10 * suggested && diverged && specLr >= diverged.lr) {
    specLrStatus = 'diverges';
    verdict = `${spec} diverges in the range test: ${times(specLr, suggested)}x the suggested ${fmtLr(suggested)}, at or above where the loss blew up (${fmtLr(diverged.lr)})`;
  } else if (specLr > 10 * suggested || (diverged && specLr >= diverged.lr)) {
    specLrStatus = 'high';
    verdict = diverged && specLr >= diverged.lr
      ? `${spec} is high: at or above where the loss blew up (${fmtLr(diverged.lr)}), though within 10x of the suggested ${fmtLr(suggested)}`
      : `${spec} is high: ${times(specLr, suggested)}x the suggested ${fmtLr(suggested)}, though below where the loss blew up${diverged ? ` (${fmtLr(diverged.lr)})` : ''}`;
  } else if (specLr * 30 < suggested) {
    specLrStatus = 'low';
    verdict = `${spec} is probably too low: ${times(suggested, specLr)}x below the suggested ${fmtLr(suggested)}`;
  } else {
    specLrStatus = 'ok';
    verdict = `${spec} is within the sane band around the suggested ${fmtLr(suggested)} (from 1/30 to 10x it)`;
  }
  return { smoothed, steepest, minimum, suggested, diverged, specLrStatus, verdict, notes };
}
