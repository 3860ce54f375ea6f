// sweep.jsonl: the sweep's append-only record, one JSON object a line, each written as the thing
// happens. It is what a resumed sweep starts from and what sweep-inspect and the app read.
import type { SweepSpec } from './sweep-spec.ts';
import type { AshaRecord } from './asha.ts';

type Config = Record<string, unknown>;
export type TrialEndStatus = 'completed' | 'stopped' | 'early-stopped' | 'failed' | 'diverged';

export type SweepRecord = { t: number } & (
  /** base: the base run spec as it was then (a resumed sweep keeps it, even if its file changed since) */
  | { type: 'sweep-start'; sweep: SweepSpec; base: unknown; configs: Config[] }
  /** runDir: relative to the sweep's folder; attempt: 1, then 2... when a resumed sweep runs it again */
  | { type: 'trial-started'; trial: string; params: Config; runDir: string; attempt: number }
  /** rung: its index in ashaRungs(); epoch: the epochs done there */
  | { type: 'rung'; trial: string; rung: number; epoch: number; metric: number | null }
  | { type: 'promoted'; trial: string; rung: number }
  | { type: 'stopped'; trial: string; rung: number | null; epoch: number; reason: string }
  | { type: 'trial-finished'; trial: string; status: TrialEndStatus; metric: number | null; epochs: number; runDir: string | null; reason?: string }
  | { type: 'sweep-end'; best: { trial: string; metric: number | null } | null }
);
export type SweepRecordBody = SweepRecord extends infer R ? R extends { t: number } ? Omit<R, 't'> : never : never;

/** The length of the log up to its last whole line: appending after a torn line would bury it mid-log. */
export function intactLength(text: string): number {
  if (text.endsWith('\n') || !text) return text.length;
  const cut = text.lastIndexOf('\n') + 1;
  try { JSON.parse(text.slice(cut)); return text.length; } catch { return cut; }
}

/** The records of a log. A torn last line (a crash mid-write) is left out; a bad line before it is an error naming it. */
export function parseSweepLog(text: string): SweepRecord[] {
  const lines = text.split('\n');
  const out: SweepRecord[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let r: unknown;
    try {
      r = JSON.parse(line);
    } catch {
      if (lines.slice(i + 1).every((l) => !l.trim())) return; // the last line, cut off
      throw new Error(`line ${i + 1}: not a JSON record (the log is damaged before its end)`);
    }
    if (typeof r !== 'object' || r === null || typeof (r as { type?: unknown }).type !== 'string') throw new Error(`line ${i + 1}: not a sweep record`);
    out.push(r as SweepRecord);
  });
  return out;
}

export interface FinishedTrial { status: TrialEndStatus; metric: number | null; epochs: number; runDir: string | null }

export interface ResumeState {
  configs: Config[];
  /** trials that ended (whatever their status): never run again */
  finished: Map<string, FinishedTrial>;
  /** trials started at some point (the unfinished ones among them run again from the start) */
  started: Set<string>;
  attempts: Map<string, number>;
  /** every rung result recorded, in log order: successive halving replays them (a rerun trial gets the decision already made) */
  ashaRecords: AshaRecord[];
  /** the base run spec the sweep started with */
  base: unknown;
}

export function resumeState(records: readonly SweepRecord[]): ResumeState {
  const start = records.find((r) => r.type === 'sweep-start');
  if (!start || start.type !== 'sweep-start') throw new Error('the log has no sweep-start record');
  const finished = new Map<string, FinishedTrial>();
  const started = new Set<string>();
  const attempts = new Map<string, number>();
  for (const r of records) {
    if (r.type === 'trial-started') { started.add(r.trial); attempts.set(r.trial, Math.max(attempts.get(r.trial) ?? 0, r.attempt)); }
    if (r.type === 'trial-finished') finished.set(r.trial, { status: r.status, metric: r.metric, epochs: r.epochs, runDir: r.runDir });
  }
  const ashaRecords: AshaRecord[] = [];
  for (const r of records) if (r.type === 'rung') ashaRecords.push({ trial: r.trial, epoch: r.epoch, metric: r.metric });
  return { configs: start.configs, base: start.base, finished, started, attempts, ashaRecords };
}
