// Where a sweep's trials train: a pool of local engine processes (trial-pool.ts) or workers on
// other machines behind a Redis queue (queue/queue-runner.ts). The sweep sees only this.
import type { RunEndEvent, RunEvent } from '../../../shared/events.ts';

export interface TrialOutcome {
  status: RunEndEvent['status'];
  reason?: string;
  /** null when the trial was refused or lost before its run folder existed */
  runId: string | null;
  runDir: string | null;
  end: RunEndEvent | null;
}

export interface TrialHandle {
  /** ends the trial as the user's Stop would: it finishes its step and its folder gets its run-end (status stopped) */
  stop(): void;
  readonly done: Promise<TrialOutcome>;
}

export interface TrialRunner {
  /** how many trials can train at once */
  readonly size: number;
  /** Trains `spec`; `onEvent` sees each event of the run, with the run folder it is written to. */
  run(spec: unknown, onEvent?: (e: RunEvent, runDir: string) => void): TrialHandle;
  /** Stops what runs (their folders get run-ends) and lets go of the engines or the connection. */
  close(): Promise<void>;
}
