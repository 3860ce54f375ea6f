// A sweep as the app sees it: what the host sends the renderer while a sweep runs (and in the
// welcome, for a tab that connects meanwhile). Trials' own events travel as ordinary run events
// under their run ids, so each trial is a run in the library like any other.
import type { SweepParameter, SweepSpec } from './sweep-spec.ts';

export type SweepTrialStatus = 'queued' | 'running' | 'completed' | 'stopped' | 'early-stopped' | 'failed' | 'diverged';

export interface SweepTrialView {
  trial: string;
  params: Record<string, unknown>;
  status: SweepTrialStatus;
  epochs: number;
  /** the highest rung reached (its epoch count), under successive halving */
  rung: number | null;
  /** the sweep's metric, the best value over the trial's epochs so far */
  metric: number | null;
  /** the trial's run in the library (its run folder's name), once it has started: its latest attempt's */
  runId: string | null;
  /** 1, then 2... each time the trial started again (a resumed sweep, a lost queue worker); absent before it starts */
  attempt?: number;
  reason?: string;
}

export interface SweepView {
  /** the sweep's folder name under the runs folder */
  id: string;
  name: string;
  method: SweepSpec['method'];
  metric: SweepSpec['metric'];
  goal: SweepSpec['goal'];
  parameters: Record<string, SweepParameter>;
  asha: SweepSpec['asha'] | null;
  status: 'running' | 'stopping' | 'finished' | 'stopped' | 'failed';
  reason?: string;
  /** what the user should know that did not stop the sweep, one line each (records of sweep.jsonl that could not be read) */
  warnings?: string[];
  trials: SweepTrialView[];
  /** successive halving's rungs with what was recorded at each, for the bracket chart */
  rungs: { epochs: number; final: boolean; entries: { trial: string; metric: number | null; promoted: boolean }[] }[] | null;
  best: { trial: string; metric: number } | null;
  startedAt: number;
}
