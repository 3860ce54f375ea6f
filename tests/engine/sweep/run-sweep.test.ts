// runSweep's bookkeeping of attempts, on a scripted trial runner that writes real run folders: a
// queue's retry after a lost worker and a resumed interrupted sweep are numbered attempt 2, and the
// attempt they replace leaves no folder (no epoch finished) or a folder whose run-end names its
// successor (epochs finished).
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { runSweep } from '../../../main/engine/sweep/run-sweep.ts';
import type { TrialHandle, TrialOutcome, TrialRunner } from '../../../main/engine/sweep/trial-runner.ts';
import { createRunDir, readRun, RunWriter } from '../../../main/engine/run/run-folder.ts';
import { PROTOCOL_VERSION, type RunEvent } from '../../../shared/events.ts';
import { validateSweep } from '../../../shared/sweep/validate.ts';
import { tmp } from '../../helpers.ts';

const base = {
  name: 'b', seed: 1, data: { train: { type: 'synthetic', name: 'moons', samples: 100 } },
  model: { layers: [{ type: 'dense', units: 2, activation: 'softmax' }] }, training: { epochs: 2, batchSize: 10 },
};
const sweepSpec = () => {
  const v = validateSweep({ name: 's', base, method: 'grid', metric: 'train_loss', concurrency: 1, parameters: { seed: { values: [1, 2] } } }, base);
  if (!v.ok) throw new Error(v.issues[0].message);
  return v.sweep;
};

/** One attempt's run folder, written as an engine or the queue's coordinator writes it. */
class Attempt {
  readonly runDir: string;
  private readonly writer: RunWriter;
  private i = 0;
  private done = 0;
  constructor(runsDir: string, private readonly spec: { name: string }, private readonly onEvent: (e: RunEvent, runDir: string) => void) {
    this.runDir = createRunDir(runsDir, spec.name);
    this.writer = new RunWriter(this.runDir, spec);
    this.emit({ type: 'run-start', runId: basename(this.runDir), spec, model: { layers: [] }, data: {} });
  }
  private emit(body: Record<string, unknown>) {
    const e = { v: PROTOCOL_VERSION, t: Date.now(), i: this.i++, ...body } as unknown as RunEvent;
    this.writer.write(e);
    this.onEvent(e, this.runDir);
  }
  epochs(n: number) {
    for (let k = 0; k < n; k++, this.done++) this.emit({ type: 'epoch', epoch: this.done, step: this.done, train: { loss: 1 / (this.done + 1) }, validation: null });
  }
  end(status: string, reason?: string): TrialOutcome {
    this.emit({ type: 'run-end', status, ...(reason ? { reason } : {}), steps: this.done, epochs: this.done, durationMs: 0, final: { train: null, validation: null, test: null } });
    this.writer.close();
    return { status: status as TrialOutcome['status'], reason, runId: basename(this.runDir), runDir: this.runDir, end: null };
  }
  /** cut off: its writer gone without a run-end (a coordinator killed) */
  abandon() { this.writer.close(); }
}

type Script = (start: () => Attempt, stopped: Promise<void>) => Promise<TrialOutcome>;

/** A runner that plays a script per trial (by the trial's run name). */
function scripted(runsDir: string, scripts: Record<string, Script>, fallback: Script): TrialRunner {
  return {
    size: 1,
    run(spec, onEvent = () => undefined): TrialHandle {
      let stop!: () => void;
      const stopped = new Promise<void>((r) => { stop = r; });
      const s = spec as { name: string };
      const start = () => new Attempt(runsDir, s, onEvent);
      // (as a real runner: the trial starts after run() has returned its handle)
      const done = new Promise<void>((r) => setImmediate(r)).then(() => (scripts[s.name] ?? fallback)(start, stopped));
      return { stop: () => stop(), done };
    },
    close: async () => undefined,
  };
}

const completes: Script = async (start) => { const a = start(); a.epochs(2); return a.end('completed'); };
const records = (dir: string) => readFileSync(join(dir, 'sweep.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const lastEvent = (runDir: string) => readRun(runDir).events.at(-1) as Extract<RunEvent, { type: 'run-end' }> & { supersededBy?: unknown };

/** A worker lost after `epochs` epochs: the coordinator closes that folder as failed, the trial starts again in a new one. */
const lostOnce = (epochs: number): Script => async (start) => {
  const first = start();
  first.epochs(epochs);
  first.end('failed', 'its worker (w1) was lost mid-trial; the trial was started again on w2');
  const second = start();
  second.epochs(2);
  return second.end('completed');
};

describe('runSweep: attempts', () => {
  it.each([
    [2, false],
    [0, true],
  ])('a retry after a lost worker is attempt 2; the lost attempt with %i epoch(s) is marked superseded or removed (%s)', async (epochs, removed) => {
    const dir = tmp();
    const runsDir = join(dir, 'trials');
    const told: [string, unknown][] = [];
    const res = await runSweep({ dir, sweep: sweepSpec(), base, pool: scripted(runsDir, { 's-t002': lostOnce(epochs) }, completes), onAttemptSuperseded: (runId, end) => told.push([runId, end]) });
    expect(res.trials.map((t) => [t.trial, t.status, t.attempt, t.epochs])).toEqual([['t001', 'completed', 1, 2], ['t002', 'completed', 2, 2]]);
    const log = records(dir);
    const starts = log.filter((r) => r.type === 'trial-started' && r.trial === 't002');
    expect(starts.map((r) => r.attempt)).toEqual([1, 2]);
    const superseded = log.filter((r) => r.type === 'attempt-superseded');
    expect(superseded).toEqual([expect.objectContaining({ trial: 't002', attempt: 1, by: 2, epochs, removed, runDir: starts[0].runDir })]);
    const lost = join(dir, starts[0].runDir);
    const folders = readdirSync(runsDir).map((f) => join(runsDir, f)).sort();
    // the app is told, to settle its copy of the run the same way: gone, or ended as the folder now is
    expect(told).toEqual([[basename(lost), removed ? null : lastEvent(lost)]]);
    if (removed) {
      expect(existsSync(lost)).toBe(false);
      expect(folders).toEqual(res.trials.map((t) => t.runDir).sort());
    } else {
      expect(folders).toHaveLength(3);
      const end = lastEvent(lost);
      expect(end).toMatchObject({ type: 'run-end', status: 'failed', supersededBy: { attempt: 2, runId: basename(res.trials[1].runDir!) } });
      expect(end.reason).toBe(`superseded by attempt 2 (${basename(res.trials[1].runDir!)}): its worker (w1) was lost mid-trial; the trial was started again on w2`);
      expect(readRun(lost).skipped).toEqual([]);
    }
  });

  it.each([
    ['stopped with 1 epoch: kept, its run-end names attempt 2', 1, true],
    ['stopped before its first epoch: removed', 0, true],
    ['cut off without a run-end after 1 epoch: gets one naming attempt 2', 1, false],
  ])('an interrupted sweep resumed: the rerun is attempt 2, the interrupted attempt %s', async (_what, epochs, endsItself) => {
    const dir = tmp();
    const runsDir = join(dir, 'trials');
    const abort = new AbortController();
    const interrupted: Script = async (start, stopped) => {
      const a = start();
      a.epochs(epochs);
      abort.abort();
      await stopped;
      if (endsItself) return a.end('stopped', 'stopped by the user');
      a.abandon();
      return { status: 'stopped', runId: null, runDir: null, end: null };
    };
    const first = await runSweep({ dir, sweep: sweepSpec(), base, pool: scripted(runsDir, { 's-t001': interrupted }, completes), signal: abort.signal });
    expect(first.interrupted).toBe(true);
    expect(first.trials[0]).toMatchObject({ status: 'queued', attempt: 1 });
    const stoppedDir = first.trials[0].runDir!;

    const res = await runSweep({ dir, sweep: sweepSpec(), base, pool: scripted(runsDir, {}, completes) });
    expect(res.interrupted).toBe(false);
    expect(res.trials.map((t) => [t.status, t.attempt])).toEqual([['completed', 2], ['completed', 1]]);
    const log = records(dir);
    expect(log.filter((r) => r.type === 'trial-started').map((r) => [r.trial, r.attempt])).toEqual([['t001', 1], ['t001', 2], ['t002', 1]]);
    expect(log.filter((r) => r.type === 'attempt-superseded')).toEqual([expect.objectContaining({ trial: 't001', attempt: 1, by: 2, epochs, removed: epochs === 0 })]);
    if (epochs === 0) {
      expect(existsSync(stoppedDir)).toBe(false);
      expect(readdirSync(runsDir)).toHaveLength(2);
      return;
    }
    const end = lastEvent(stoppedDir);
    expect(end.type).toBe('run-end');
    expect(end.status).toBe('stopped');
    expect(end.reason).toMatch(new RegExp(`^superseded by attempt 2 \\(${basename(res.trials[0].runDir!)}\\): ${endsItself ? 'stopped by the user' : 'this attempt was cut off before it ended'}$`));
    expect(end.epochs).toBe(1);
    expect(readRun(stoppedDir).skipped).toEqual([]);
    expect(readRun(stoppedDir).events.filter((e) => e.type === 'run-end')).toHaveLength(1);
  });

  it('a resume after a resume goes on counting, and leaves a folder it already marked as it is', async () => {
    const dir = tmp();
    const runsDir = join(dir, 'trials');
    for (let round = 1; round <= 2; round++) {
      const abort = new AbortController();
      const interrupted: Script = async (start, stopped) => { const a = start(); a.epochs(1); abort.abort(); await stopped; return a.end('stopped'); };
      await runSweep({ dir, sweep: sweepSpec(), base, pool: scripted(runsDir, { 's-t001': interrupted }, completes), signal: abort.signal });
    }
    const res = await runSweep({ dir, sweep: sweepSpec(), base, pool: scripted(runsDir, {}, completes) });
    expect(res.trials[0]).toMatchObject({ status: 'completed', attempt: 3 });
    const log = records(dir);
    expect(log.filter((r) => r.type === 'trial-started' && r.trial === 't001').map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(log.filter((r) => r.type === 'attempt-superseded').map((r) => [r.attempt, r.by])).toEqual([[1, 2], [2, 3]]);
    const [one, two] = log.filter((r) => r.type === 'trial-started' && r.trial === 't001').map((r) => join(dir, r.runDir));
    expect(lastEvent(one).reason).toMatch(/^superseded by attempt 2 /);
    expect(lastEvent(two).reason).toMatch(/^superseded by attempt 3 /);
  });

  it('a bad line mid-log is skipped and reported once; the trial whose record it was runs again, the log is only appended to', async () => {
    const dir = tmp();
    const runsDir = join(dir, 'trials');
    await runSweep({ dir, sweep: sweepSpec(), base, pool: scripted(runsDir, {}, completes) });
    const lines = readFileSync(join(dir, 'sweep.jsonl'), 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('"trial-finished"') && l.includes('"t001"'));
    lines[at] = lines[at].slice(0, 30) + '\u0000garbage';
    const sweepEnd = lines.findIndex((l) => l.includes('"sweep-end"'));
    lines.splice(sweepEnd, 1); // (so that the sweep resumes)
    const damaged = lines.join('\n');
    writeFileSync(join(dir, 'sweep.jsonl'), damaged);
    const said: string[] = [];
    const res = await runSweep({ dir, sweep: sweepSpec(), base, pool: scripted(runsDir, {}, completes), onWarning: (l) => said.push(l) });
    expect(said).toEqual([expect.stringMatching(new RegExp(`sweep\\.jsonl:${at + 1}: unreadable record skipped \\(`))]);
    expect(res.warnings).toEqual(said);
    expect(res.trials.map((t) => [t.status, t.attempt])).toEqual([['completed', 2], ['completed', 1]]);
    // appended after, never rewritten
    expect(readFileSync(join(dir, 'sweep.jsonl'), 'utf8').startsWith(damaged)).toBe(true);
  });
});
