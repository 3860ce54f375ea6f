// Asynchronous successive halving (ASHA, Li et al. 2020, "A System for Massively Parallel
// Hyperparameter Tuning"), in its stopping form, as Ray Tune's AsyncHyperBandScheduler runs it:
// every trial trains towards the largest budget, and at each rung (minEpochs * eta^k epochs) its
// metric is recorded; it goes on only if it ranks in the top 1/eta of the results recorded at
// that rung so far, itself included. No trial waits for others, so workers never idle; a decision
// depends only on what was recorded before it, so results arriving out of order never undo one.
export interface AshaOptions { minEpochs: number; maxEpochs: number; reductionFactor: number }
export type Goal = 'minimize' | 'maximize';
export interface RungEntry { trial: string; rung: number; metric: number; promoted: boolean }
export type AshaDecision = { decision: 'continue' | 'stop' | 'complete'; rung?: number };

/** The epochs at which rungs sit: minEpochs * eta^k below maxEpochs, then maxEpochs (the full budget). */
export function ashaRungs(o: AshaOptions): number[] {
  const rungs: number[] = [];
  for (let e = o.minEpochs; e < o.maxEpochs; e *= o.reductionFactor) rungs.push(e);
  rungs.push(o.maxEpochs);
  return rungs;
}

/** How many of n results at a rung go on: the top 1/eta, at least one. */
export const promotable = (n: number, eta: number) => Math.max(1, Math.floor(n / eta));

export class AshaScheduler {
  private readonly rungList: number[];
  private readonly recorded = new Map<number, RungEntry[]>();

  constructor(private readonly opts: AshaOptions, private readonly goal: Goal) {
    this.rungList = ashaRungs(opts);
    for (const r of this.rungList) this.recorded.set(r, []);
  }

  /** A scheduler that has seen `records` (from a sweep's log), in their order. */
  static restore(opts: AshaOptions, goal: Goal, records: readonly RungEntry[]): AshaScheduler {
    const s = new AshaScheduler(opts, goal);
    for (const r of records) s.recorded.get(r.rung)?.push({ ...r });
    return s;
  }

  /** Worse-or-equal ranks last; a non-finite metric is the worst there is. */
  private beats(a: number, b: number): boolean {
    if (!Number.isFinite(a)) return false;
    if (!Number.isFinite(b)) return true;
    return this.goal === 'minimize' ? a < b : a > b;
  }

  /** A trial finished epoch `epoch` with `metric`: does it go on? */
  report(trial: string, epoch: number, metric: number): AshaDecision {
    const entries = this.recorded.get(epoch);
    if (epoch >= this.opts.maxEpochs) {
      entries?.push({ trial, rung: epoch, metric, promoted: false });
      return { decision: 'complete', ...(entries ? { rung: epoch } : {}) };
    }
    if (!entries) return { decision: Number.isFinite(metric) ? 'continue' : 'stop' };
    // its rank among those recorded before it (ties go to the earlier result)
    const ahead = entries.filter((e) => !this.beats(metric, e.metric)).length;
    const entry: RungEntry = { trial, rung: epoch, metric, promoted: false };
    entries.push(entry);
    entry.promoted = Number.isFinite(metric) && ahead < promotable(entries.length, this.opts.reductionFactor);
    return { decision: entry.promoted ? 'continue' : 'stop', rung: epoch };
  }

  rungs(): { epochs: number; entries: RungEntry[] }[] {
    return this.rungList.map((epochs) => ({ epochs, entries: this.recorded.get(epochs)!.map((e) => ({ ...e })) }));
  }
}
