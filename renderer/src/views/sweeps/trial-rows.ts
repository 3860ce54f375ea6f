// The trials table's order and its best row. The host names the best trial only when the sweep
// ends; while it runs, the best is the best metric so far, so the highlight follows the sweep live.
import type { SweepTrialView, SweepView } from '../../../../shared/sweep/view.ts';

export type TrialSort = { by: 'trial' | 'metric'; dir: 'asc' | 'desc' };

const better = (goal: SweepView['goal'], a: number, b: number) => (goal === 'minimize' ? a < b : a > b);

/** The trial with the best finite metric (the host's pick once the sweep has ended). */
export function bestTrial(view: Pick<SweepView, 'trials' | 'goal' | 'best'>): string | null {
  if (view.best) return view.best.trial;
  let best: SweepTrialView | null = null;
  for (const t of view.trials) if (t.metric !== null && Number.isFinite(t.metric) && (!best || better(view.goal, t.metric, best.metric!))) best = t;
  return best?.trial ?? null;
}

/** Sorted by trial (their order in the sweep) or by metric; trials without a metric last either way. */
export function sortTrials<T extends Pick<SweepTrialView, 'trial' | 'metric'>>(trials: readonly T[], sort: TrialSort): T[] {
  const order = new Map(trials.map((t, i) => [t.trial, i]));
  const sign = sort.dir === 'asc' ? 1 : -1;
  return [...trials].sort((a, b) => {
    if (sort.by === 'trial') return sign * (order.get(a.trial)! - order.get(b.trial)!);
    const x = a.metric !== null && Number.isFinite(a.metric) ? a.metric : null, y = b.metric !== null && Number.isFinite(b.metric) ? b.metric : null;
    if (x === null || y === null) return x === null && y === null ? order.get(a.trial)! - order.get(b.trial)! : x === null ? 1 : -1;
    return sign * (x - y) || order.get(a.trial)! - order.get(b.trial)!;
  });
}

/** Sorting by metric starts with the best first. */
export const bestFirst = (goal: SweepView['goal']): TrialSort => ({ by: 'metric', dir: goal === 'minimize' ? 'asc' : 'desc' });

export const FINISHED = new Set(['completed', 'stopped', 'early-stopped', 'failed', 'diverged']);
export const isDone = (t: Pick<SweepTrialView, 'status'>) => FINISHED.has(t.status);

/**
 * A trial's status as the table writes it. A trial successive halving stopped says so: the host
 * passes on the engine's reason for any stop ("stopped by the user"), which would read as if
 * someone had pressed Stop; the rungs tell which trials the scheduler stopped.
 */
export function statusText(t: Pick<SweepTrialView, 'trial' | 'status' | 'reason' | 'rung' | 'attempt'>, view: Pick<SweepView, 'rungs' | 'asha'>): string {
  return statusOnly(t, view) + attemptText(t);
}

function statusOnly(t: Pick<SweepTrialView, 'trial' | 'status' | 'reason' | 'rung'>, view: Pick<SweepView, 'rungs' | 'asha'>): string {
  if (t.status === 'stopped' && view.asha && t.rung !== null && t.rung < view.asha.maxEpochs) {
    const entry = view.rungs?.find((r) => r.epochs === t.rung)?.entries.find((e) => e.trial === t.trial);
    if (entry && !entry.promoted) return `stopped at rung ${t.rung} (not in the top 1/${view.asha.reductionFactor})`;
  }
  return t.reason ? `${t.status} (${t.reason})` : t.status;
}

/** A trial that started again (a resumed sweep, a queue worker lost mid-trial) says which start this is: its run is that attempt's. */
const attemptText = (t: Pick<SweepTrialView, 'attempt'>) => (t.attempt !== undefined && t.attempt > 1 ? ` · attempt ${t.attempt}` : '');
