// Runs a sweep: its trials on a pool of engines, successive halving deciding at each rung whether
// a trial goes on, and every decision appended to the sweep folder's sweep.jsonl as it is made.
// The log is the sweep's memory: a sweep started again in the same folder reads it, keeps the
// configurations it drew and the trials that finished, and reruns only those that did not.
import { appendFileSync, existsSync, readFileSync, truncateSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { RunEndEvent, RunEvent } from '../../../shared/events.ts';
import type { SweepSpec } from '../../../shared/sweep/sweep-spec.ts';
import { applyConfig } from '../../../shared/sweep/validate.ts';
import { sampleConfigs } from '../../../shared/sweep/sample.ts';
import { AshaScheduler } from '../../../shared/sweep/asha.ts';
import { intactLength, parseSweepLog, resumeState, skippedWarning, type SweepRecord, type SweepRecordBody } from '../../../shared/sweep/log.ts';
import { stringifyJson } from '../../../shared/json-number.ts';
import { makeDirs } from '../run/run-folder.ts';
import { OutputError } from '../errors.ts';
import type { TrialHandle, TrialRunner } from './trial-runner.ts';
import { lockSweepFolder } from './sweep-lock.ts';
import { supersedeAttempt } from './supersede.ts';

export const SWEEP_LOG = 'sweep.jsonl';
/** where the trials' run folders go inside the sweep's folder */
export const TRIALS_DIR = 'trials';

export type Config = Record<string, unknown>;
export type TrialStatus = 'queued' | 'running' | 'completed' | 'stopped' | 'early-stopped' | 'failed' | 'diverged';

export interface TrialRow {
  trial: string;
  params: Config;
  status: TrialStatus;
  /** epochs done */
  epochs: number;
  /** the highest rung reached (its epoch), under successive halving */
  rung: number | null;
  /** the sweep's metric: its best value so far over the trial's epochs */
  metric: number | null;
  runDir: string | null;
  /** the trial's attempts so far: 1, then 2... each time it starts again (a resume, a queue's retry); 0 before it starts */
  attempt: number;
  reason?: string;
}

export interface SweepResult {
  dir: string;
  best: { trial: string; params: Config; metric: number; runDir: string | null } | null;
  trials: TrialRow[];
  /** trials that finished in an earlier attempt at this sweep and were not run again */
  resumed: number;
  /** the sweep was interrupted (its unfinished trials run again when it is resumed) */
  interrupted: boolean;
  /** what the user should know that did not stop the sweep, one line each (lines of sweep.jsonl that could not be read) */
  warnings?: string[];
}

export interface RunSweepOptions {
  dir: string;
  sweep: SweepSpec;
  base: unknown;
  pool: TrialRunner;
  /** called whenever a trial's row changes, with successive halving's rungs */
  onUpdate?: (rows: readonly TrialRow[], rungs?: ReturnType<AshaScheduler['rungs']>) => void;
  /** every event of every trial, under its run id (the run folder's name) */
  onTrialEvent?: (runId: string, e: RunEvent) => void;
  /**
   * An earlier attempt of a trial was superseded when the trial started again: `end`, the run-end
   * its folder now ends with; null when its folder (no epoch in it) was removed. The app's run
   * library holds a copy of that run, from its live events, to settle the same way.
   */
  onAttemptSuperseded?: (runId: string, end: RunEndEvent | null) => void;
  signal?: AbortSignal;
  /** told of each of the result's `warnings` as soon as it is known */
  onWarning?: (line: string) => void;
}

/** The sweep's metric in an epoch event (null where the run does not report it). */
export function metricOf(e: Extract<RunEvent, { type: 'epoch' }>, metric: SweepSpec['metric']): number | null {
  const m = metric === 'val_loss' ? e.validation?.loss : metric === 'val_accuracy' ? e.validation?.accuracy : metric === 'train_loss' ? e.train.loss : e.train.accuracy;
  return typeof m === 'number' ? m : null;
}

const better = (goal: SweepSpec['goal'], a: number, b: number) => (goal === 'minimize' ? a < b : a > b);

export function trialId(index: number, count: number): string {
  return `t${String(index + 1).padStart(Math.max(3, String(count).length), '0')}`;
}

export async function runSweep(opts: RunSweepOptions): Promise<SweepResult> {
  const { dir } = opts;
  try {
    makeDirs(join(dir, TRIALS_DIR));
  } catch (e) {
    throw new OutputError(dir, e);
  }
  const unlock = lockSweepFolder(dir);
  try {
    return await runLocked(opts);
  } finally {
    unlock();
  }
}

async function runLocked(opts: RunSweepOptions): Promise<SweepResult> {
  const { dir, sweep, pool } = opts;
  const logFile = join(dir, SWEEP_LOG);
  const append = (r: SweepRecordBody) => {
    try {
      appendFileSync(logFile, `${stringifyJson({ t: Date.now(), ...r })}\n`);
    } catch (e) {
      throw new OutputError(logFile, e);
    }
  };

  const warnings: string[] = [];
  const warn = (line: string) => { warnings.push(line); opts.onWarning?.(line); };
  const earlier = readEarlier(logFile, warn);
  const state = earlier.length ? resumeState(earlier) : null;
  const configs: Config[] = state?.configs ?? sampleConfigs(sweep);
  // a resumed sweep trains what it started with, even if the base spec's file changed since
  const base = state ? state.base : opts.base;
  if (!state) append({ type: 'sweep-start', sweep, base, configs });

  const asha = sweep.method === 'asha' ? AshaScheduler.restore(sweep.asha!, sweep.goal, state?.ashaRecords ?? []) : null;
  const rows: TrialRow[] = configs.map((params, i) => {
    const trial = trialId(i, configs.length);
    const done = state?.finished.get(trial);
    const attempt = state?.attempts.get(trial) ?? 0;
    return done
      ? { trial, params, status: done.status as TrialStatus, epochs: done.epochs ?? 0, rung: null, metric: done.metric ?? null, runDir: done.runDir ? join(dir, done.runDir) : null, attempt }
      : { trial, params, status: 'queued', epochs: 0, rung: null, metric: null, runDir: null, attempt };
  });
  const resumed = rows.filter((r) => r.status !== 'queued').length;
  const update = () => opts.onUpdate?.(rows, asha?.rungs());
  update();

  const queue = rows.filter((r) => r.status === 'queued');
  const running = new Set<TrialHandle>();
  let interrupted = false;
  const onAbort = () => {
    interrupted = true;
    for (const h of running) h.stop();
  };
  opts.signal?.addEventListener('abort', onAbort);
  if (opts.signal?.aborted) onAbort();

  // per trial, its latest attempt while it has not finished: the next start supersedes it
  const unfinished = new Map<string, { attempt: number; runDir: string }>();
  for (const [trial, a] of state?.lastAttempt ?? []) {
    const runDir = insideTrials(dir, a.runDir);
    if (!state!.finished.has(trial) && runDir) unfinished.set(trial, { attempt: a.attempt, runDir });
  }
  /** Settles the attempt a new one replaces: its folder removed if it finished no epoch, else marked. */
  const supersede = (trial: string, by: number, byRunDir: string) => {
    const prev = unfinished.get(trial);
    if (!prev || prev.runDir === byRunDir) return;
    try {
      const r = supersedeAttempt(prev.runDir, { attempt: by, runId: basename(byRunDir) });
      if (r) append({ type: 'attempt-superseded', trial, attempt: prev.attempt, runDir: relative(dir, prev.runDir), epochs: r.epochs, by, removed: r.removed });
      if (r && (r.removed || r.end)) opts.onAttemptSuperseded?.(basename(prev.runDir), r.removed ? null : r.end!);
    } catch (e) {
      warn(`${prev.runDir}: attempt ${prev.attempt} of ${trial} could not be marked as superseded by attempt ${by} (${(e as Error).message})`);
    }
  };

  async function runTrial(row: TrialRow) {
    const name = `${sweep.name}-${row.trial}`;
    let spec: { training?: Record<string, unknown> };
    try {
      spec = applyConfig(base, row.params, name) as { training?: Record<string, unknown> };
    } catch (e) {
      // values valid one by one, not together: this trial fails, the sweep goes on
      row.status = 'failed';
      row.reason = (e as Error).message;
      append({ type: 'trial-finished', trial: row.trial, status: 'failed', metric: null, epochs: 0, runDir: null, reason: row.reason });
      update();
      return;
    }
    // successive halving owns the trial's budget: it runs to the last rung unless stopped at one
    if (asha) spec.training = { ...spec.training, epochs: sweep.asha!.maxEpochs };
    // (it stays queued until an engine or a worker starts it: through a queue with no worker
    // connected, that can be never)
    let stoppedByAsha = false;
    let haltedBecause = '';
    const handle: TrialHandle = pool.run(spec, (e, runDir) => {
      opts.onTrialEvent?.(basename(runDir), e);
      if (e.type === 'run-start') {
        // (a queue's retry after a lost worker starts again in a new folder, under the same handle)
        const attempt = row.attempt + 1;
        supersede(row.trial, attempt, runDir);
        unfinished.set(row.trial, { attempt, runDir });
        Object.assign(row, { runDir, attempt, status: 'running', epochs: 0, metric: null, rung: null });
        append({ type: 'trial-started', trial: row.trial, params: row.params, runDir: relative(dir, runDir), attempt });
        update();
      } else if (e.type === 'epoch') {
        row.epochs = e.epoch + 1;
        const m = metricOf(e, sweep.metric);
        if (m !== null && Number.isFinite(m) && (row.metric === null || better(sweep.goal, m, row.metric))) row.metric = m;
        if (asha && !stoppedByAsha) {
          const recorded = asha.records().length;
          const r = asha.report(row.trial, row.epochs, m ?? NaN);
          if (r.rung !== undefined) {
            row.rung = row.epochs;
            // (a rerun trial is given the decision made the first time, and nothing new is recorded)
            if (asha.records().length > recorded) append({ type: 'rung', trial: row.trial, rung: r.rung, epoch: row.epochs, metric: m !== null && Number.isFinite(m) ? m : null });
            if (r.decision === 'continue' && asha.records().length > recorded) append({ type: 'promoted', trial: row.trial, rung: r.rung });
          }
          if (r.decision === 'stop') {
            stoppedByAsha = true;
            haltedBecause = m === null || !Number.isFinite(m) ? `successive halving: its ${sweep.metric} is not a finite number` : `successive halving: not in the top 1/${sweep.asha!.reductionFactor} at the rung of ${row.epochs} epoch(s)`;
            append({ type: 'stopped', trial: row.trial, rung: r.rung ?? null, epoch: row.epochs, reason: haltedBecause });
            handle.stop();
          }
        }
        update();
      }
    });
    running.add(handle);
    const out = await handle.done;
    running.delete(handle);
    if (interrupted && !stoppedByAsha) {
      // stopped by Ctrl-C, not by the sweep: it runs again when the sweep is resumed
      row.status = 'queued';
      update();
      return;
    }
    row.status = out.status === 'completed' || out.status === 'stopped' || out.status === 'early-stopped' || out.status === 'diverged' ? out.status : 'failed';
    row.reason = stoppedByAsha ? haltedBecause : out.reason;
    row.runDir = out.runDir;
    unfinished.delete(row.trial);
    append({ type: 'trial-finished', trial: row.trial, status: row.status, metric: row.metric, epochs: row.epochs, runDir: out.runDir ? relative(dir, out.runDir) : null, ...(out.reason ? { reason: out.reason } : {}) });
    update();
  }

  const lanes = Math.max(1, Math.min(sweep.concurrency ?? pool.size, pool.size));
  await Promise.all(Array.from({ length: lanes }, async () => {
    for (let row = queue.shift(); row && !interrupted; row = queue.shift()) await runTrial(row);
  }));
  opts.signal?.removeEventListener('abort', onAbort);

  const best = bestRow(rows, sweep.goal);
  if (!interrupted) append({ type: 'sweep-end', best: best ? { trial: best.trial, metric: best.metric } : null });
  return {
    dir, resumed, interrupted, trials: rows, ...(warnings.length ? { warnings } : {}),
    best: best ? { trial: best.trial, params: best.params, metric: best.metric!, runDir: best.runDir } : null,
  };
}

/** The records of an earlier run of this sweep in its folder, if any (lines that cannot be read are skipped, and said once). */
function readEarlier(logFile: string, warn: (line: string) => void): SweepRecord[] {
  if (!existsSync(logFile)) return [];
  const text = readFileSync(logFile, 'utf8');
  const { records, skipped } = parseSweepLog(text);
  const warning = skippedWarning(logFile, skipped);
  if (warning) warn(warning);
  // a line torn by a crash is cut off before anything is appended after it
  const keep = intactLength(text);
  if (keep < text.length) truncateSync(logFile, Buffer.byteLength(text.slice(0, keep)));
  return records;
}

/** A run folder the log names, if it is one of this sweep's (the log is a file anyone can edit: nothing outside trials/ is touched). */
function insideTrials(dir: string, rel: unknown): string | null {
  if (typeof rel !== 'string' || !rel) return null;
  const abs = resolve(dir, rel);
  return dirname(abs) === resolve(dir, TRIALS_DIR) ? abs : null;
}

function bestRow(rows: TrialRow[], goal: SweepSpec['goal']): TrialRow | null {
  let best: TrialRow | null = null;
  for (const r of rows) {
    // (a trial successive halving stopped had less budget than those it lost to: never the best)
    if (r.metric === null || !Number.isFinite(r.metric) || r.status === 'failed' || r.status === 'queued' || r.status === 'stopped') continue;
    if (!best || better(goal, r.metric, best.metric!)) best = r;
  }
  return best;
}
