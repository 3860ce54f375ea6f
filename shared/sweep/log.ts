// sweep.jsonl: the sweep's append-only record, one JSON object a line, each written as the thing
// happens. It is what a resumed sweep starts from and what sweep-inspect and the app read.
import { z } from 'zod';
import type { SweepSpec } from './sweep-spec.ts';
import type { AshaRecord } from './asha.ts';

type Config = Record<string, unknown>;
export type TrialEndStatus = 'completed' | 'stopped' | 'early-stopped' | 'failed' | 'diverged';

export type SweepRecord = { t: number } & (
  /** base: the base run spec as it was then (a resumed sweep keeps it, even if its file changed since) */
  | { type: 'sweep-start'; sweep: SweepSpec; base: unknown; configs: Config[] }
  /** runDir: relative to the sweep's folder; attempt: 1, then 2... each time the trial starts again (a resumed sweep, a queue's retry after a lost worker) */
  | { type: 'trial-started'; trial: string; params: Config; runDir: string; attempt: number }
  /** an unfinished attempt replaced by attempt `by`: its folder was removed (it had finished no epoch) or kept, its run-end saying so */
  | { type: 'attempt-superseded'; trial: string; attempt: number; runDir: string; epochs: number; by: number; removed: boolean }
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

/** A line of the log that could not be read, kept out of its records. */
export interface SkippedLine { line: number; error: string }

export interface ParsedSweepLog { records: SweepRecord[]; skipped: SkippedLine[] }

/**
 * The records of a log. A torn last line (a crash mid-write) is left out silently: it is cut off
 * before anything is appended. A bad line before it (a disk error, a hand edit) is skipped and
 * reported, so one damaged record does not cost the whole sweep.
 */
export function parseSweepLog(text: string): ParsedSweepLog {
  const lines = text.split('\n');
  const records: SweepRecord[] = [];
  const skipped: SkippedLine[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const r = parseLine(line);
    if ('record' in r) records.push(r.record);
    // (only a line with no newline after it can be one cut off mid-write: each record is written with its newline)
    else if (i !== lines.length - 1 || !r.torn) skipped.push({ line: i + 1, error: r.error });
  });
  return { records, skipped };
}

const trial = z.string().min(1);
const count = z.number().int().min(0);
const metric = z.number().nullable();
/** the fields of each record that resuming and inspecting read without looking (a record of a type not listed here, from a later version, is kept as it is) */
const RECORD_FIELDS: Record<string, z.ZodType> = {
  'sweep-start': z.looseObject({ sweep: z.looseObject({}), configs: z.array(z.record(z.string(), z.unknown())) }),
  'trial-started': z.looseObject({ trial, runDir: z.string(), attempt: count }),
  'attempt-superseded': z.looseObject({ trial, attempt: count, by: count }),
  rung: z.looseObject({ trial, rung: count, epoch: count, metric }),
  'trial-finished': z.looseObject({ trial, status: z.string(), metric, epochs: count, runDir: z.string().nullable() }),
};

function parseLine(line: string): { record: SweepRecord } | { error: string; torn: boolean } {
  let r: unknown;
  try {
    r = JSON.parse(line);
  } catch (e) {
    return { error: (e as Error).message, torn: true };
  }
  if (typeof r !== 'object' || r === null || typeof (r as { type?: unknown }).type !== 'string') return { error: 'not a sweep record', torn: false };
  const type = (r as { type: string }).type;
  const check = RECORD_FIELDS[type]?.safeParse(r);
  if (check && !check.success) {
    const issue = check.error.issues[0];
    return { error: `${type} record: ${issue.path.join('.') || 'record'}: ${issue.message}`, torn: false };
  }
  return { record: r as SweepRecord };
}

/** Why a log has no sweep-start to read: none was written, or its line was skipped. */
export function missingStart(skipped: readonly SkippedLine[]): string {
  const first = skipped[0];
  return first ? `has no readable sweep-start record (line ${first.line}: ${first.error.slice(0, 200)})` : 'has no sweep-start record';
}

/** One line for the user about the lines left out (null when there are none), e.g. `…/sweep.jsonl:17: unreadable record skipped (…)`. */
export function skippedWarning(file: string, skipped: readonly SkippedLine[]): string | null {
  if (!skipped.length) return null;
  const [first, ...rest] = skipped;
  const more = rest.length ? `; ${rest.length} more at line${rest.length > 1 ? 's' : ''} ${rest.map((s) => s.line).join(', ')}` : '';
  return `${file}:${first.line}: unreadable record skipped (${first.error.slice(0, 200)})${more}`;
}

export interface FinishedTrial { status: TrialEndStatus; metric: number | null; epochs: number; runDir: string | null }

export interface ResumeState {
  configs: Config[];
  /** trials that ended (whatever their status): never run again */
  finished: Map<string, FinishedTrial>;
  /** trials started at some point (the unfinished ones among them run again from the start) */
  started: Set<string>;
  /** the highest attempt recorded per trial: the next one is numbered after it */
  attempts: Map<string, number>;
  /** per trial, its latest attempt (number and folder relative to the sweep's): an unfinished one is superseded when the trial runs again */
  lastAttempt: Map<string, { attempt: number; runDir: string }>;
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
  const lastAttempt = new Map<string, { attempt: number; runDir: string }>();
  for (const r of records) {
    if (r.type === 'trial-started') {
      started.add(r.trial);
      // every start is a new attempt: a log written before retries were counted says 1 for each
      const attempt = Math.max((attempts.get(r.trial) ?? 0) + 1, Number.isInteger(r.attempt) ? r.attempt : 0);
      attempts.set(r.trial, attempt);
      lastAttempt.set(r.trial, { attempt, runDir: r.runDir });
    }
    if (r.type === 'trial-finished') finished.set(r.trial, { status: r.status, metric: r.metric, epochs: r.epochs, runDir: r.runDir });
  }
  // (a trial whose start record was lost to a damaged line still ran once)
  for (const [trial, f] of finished) if (f.runDir && !attempts.has(trial)) attempts.set(trial, 1);
  const ashaRecords: AshaRecord[] = [];
  for (const r of records) if (r.type === 'rung') ashaRecords.push({ trial: r.trial, epoch: r.epoch, metric: r.metric });
  return { configs: start.configs, base: start.base, finished, started, attempts, lastAttempt, ashaRecords };
}
