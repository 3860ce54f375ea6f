// Asynchronous successive halving (ASHA, Li et al. 2020, "A System for Massively Parallel
// Hyperparameter Tuning") in its stopping form, as Ray Tune's AsyncHyperBandScheduler runs it:
// every trial starts with the full budget and is stopped at a rung when it is not among the best
// 1/eta of the results recorded there so far. No trial waits for others (the synchronous
// version's barrier is what makes it slow on a pool), so a decision can only use what was
// recorded before it; a result that arrives later never changes it.
export type SweepGoal = 'minimize' | 'maximize';

export interface AshaBudget { minEpochs: number; maxEpochs: number; reductionFactor: number }

export type AshaDecision = 'continue' | 'stop' | 'complete';
/** rung: the index in ashaRungs() of the rung the report was recorded at (absent between rungs). */
export interface AshaReport { decision: AshaDecision; rung?: number }

/** What the scheduler recorded, in order: the sweep log's `rung` records. A null metric was not finite. */
export interface AshaRecord { trial: string; epoch: number; metric: number | null }

export interface RungEntry { trial: string; metric: number | null; promoted: boolean }
export interface Rung { rung: number; epoch: number; final: boolean; entries: RungEntry[] }

/**
 * The epochs where rungs sit: minEpochs * eta^k while below maxEpochs, then maxEpochs itself,
 * the final budget, where a trial completes ({1, 9, 3} -> [1, 3, 9]; {1, 10, 3} -> [1, 3, 9, 10]).
 */
export function ashaRungs({ minEpochs, maxEpochs, reductionFactor }: AshaBudget): number[] {
  if (!(minEpochs >= 1 && maxEpochs >= minEpochs && reductionFactor >= 2)) {
    throw new Error(`ASHA needs 1 <= minEpochs <= maxEpochs and reductionFactor >= 2 (got ${minEpochs}, ${maxEpochs}, ${reductionFactor})`);
  }
  const out: number[] = [];
  for (let r = minEpochs; r < maxEpochs; r *= reductionFactor) out.push(r);
  out.push(maxEpochs);
  return out;
}

/** How many of n results at a rung go on: the best max(1, floor(n / eta)). */
export function ashaKeep(n: number, reductionFactor: number): number {
  return Math.max(1, Math.floor(n / reductionFactor));
}

export class AshaScheduler {
  readonly epochs: readonly number[];
  private readonly levels: RungEntry[][];
  /** per trial, the report given at each rung it was recorded at */
  private readonly decided = new Map<string, Map<number, AshaReport>>();
  /** trials that were stopped or completed: every later report repeats it */
  private readonly ended = new Map<string, AshaReport>();
  private readonly log: AshaRecord[] = [];

  constructor(readonly budget: AshaBudget, readonly goal: SweepGoal) {
    this.epochs = ashaRungs(budget);
    this.levels = this.epochs.map(() => []);
  }

  /** Rebuilds a scheduler from its records (a resumed sweep): replaying them in order makes the same decisions. */
  static restore(budget: AshaBudget, goal: SweepGoal, records: readonly AshaRecord[]): AshaScheduler {
    const s = new AshaScheduler(budget, goal);
    for (const r of records) s.report(r.trial, r.epoch, r.metric ?? NaN);
    return s;
  }

  /**
   * Called at the end of every epoch of a trial: epoch counts the epochs done (1 after the
   * first), metric is the sweep's metric then (NaN or Infinity for a diverged one). A report repeated for a rung already recorded
   * (a trial retried from the start) gets the decision made the first time, and is not recorded
   * again, so a retry cannot vote twice.
   */
  report(trial: string, epoch: number, metric: number): AshaReport {
    const ended = this.ended.get(trial);
    if (ended) return ended;
    const final = this.epochs.length - 1;
    const rung = epoch >= this.budget.maxEpochs ? final : this.epochs.indexOf(epoch);
    const earlier = rung >= 0 ? this.decided.get(trial)?.get(rung) : undefined;
    if (earlier) return earlier;
    if (rung < 0 && Number.isFinite(metric)) return { decision: 'continue' };

    const finite = Number.isFinite(metric);
    let decision: AshaDecision;
    if (!finite) decision = 'stop'; // counted as the worst result at its rung
    else if (rung === final) decision = 'complete';
    else decision = this.rank(rung, metric) < ashaKeep(this.levels[rung].length + 1, this.budget.reductionFactor) ? 'continue' : 'stop';

    const out: AshaReport = rung >= 0 ? { decision, rung } : { decision };
    if (rung >= 0) {
      this.levels[rung].push({ trial, metric: finite ? metric : null, promoted: decision === 'continue' });
      this.log.push({ trial, epoch, metric: finite ? metric : null });
      let perTrial = this.decided.get(trial);
      if (!perTrial) this.decided.set(trial, (perTrial = new Map()));
      perTrial.set(rung, out);
    }
    if (decision !== 'continue') this.ended.set(trial, out);
    return out;
  }

  /** Results at this rung at least as good as this metric: earlier ones win ties. */
  private rank(rung: number, metric: number): number {
    const better = this.goal === 'minimize' ? (m: number) => m <= metric : (m: number) => m >= metric;
    return this.levels[rung].filter((e) => e.metric !== null && better(e.metric)).length;
  }

  /** Per rung, what was recorded there in order, and which went on (for a bracket chart). */
  rungs(): Rung[] {
    const final = this.epochs.length - 1;
    return this.epochs.map((epoch, rung) => ({ rung, epoch, final: rung === final, entries: this.levels[rung].map((e) => ({ ...e })) }));
  }

  /** Everything recorded, in order: what restore() takes back. */
  records(): AshaRecord[] {
    return this.log.map((r) => ({ ...r }));
  }

  /** The last decision for a trial, if it has reached a rung. */
  status(trial: string): AshaReport | undefined {
    const ended = this.ended.get(trial);
    if (ended) return ended;
    const per = this.decided.get(trial);
    return per ? [...per.values()].at(-1) : undefined;
  }
}
