// Sweeps for a host (the desktop app, the browser mode): one sweep at a time, its trials on a
// pool of engine processes of their own beside the host's engine, its state sent to every
// renderer as it changes, and each trial's events sent as an ordinary run's, so every trial is a
// run in the library. The sweep folder is <runs>/<sweep name>, as with the CLI; starting the same
// sweep again resumes it there.
import { basename, join } from 'node:path';
import type { HostMessage, SweepCommand } from '../../../shared/host.ts';
import type { RunEvent } from '../../../shared/events.ts';
import type { SweepView } from '../../../shared/sweep/view.ts';
import { validateSweep, type SweepSpec } from '../../../shared/sweep/validate.ts';
import type { BackendChoice } from '../backends/select.ts';
import type { EngineProcess } from '../process/supervisor.ts';
import { runSweep, TRIALS_DIR, type TrialRow } from './run-sweep.ts';
import { sweepFolder } from './sweep-folder.ts';
import { defaultWorkers, TrialPool } from './trial-pool.ts';

const SEND_EVERY_MS = 200;

export interface SweepServiceOptions {
  spawn: () => EngineProcess;
  runsDir: string;
  baseDir: string;
  backend?: BackendChoice;
  dataDirs?: string[];
  hangAfterMs?: number;
  /** engines for trials (default: one per core but one, at least one) */
  workers?: number;
}

export class SweepService {
  private listeners: ((m: HostMessage) => void)[] = [];
  private view: SweepView | null = null;
  private abort: AbortController | null = null;
  private lastSent = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly opts: SweepServiceOptions) {}

  subscribe(listener: (m: HostMessage) => void) {
    this.listeners.push(listener);
    return () => { this.listeners = this.listeners.filter((l) => l !== listener); };
  }

  /** the latest sweep of this session, for a renderer that connects meanwhile */
  get state(): SweepView | null { return this.view; }

  private emit(m: HostMessage) { for (const l of this.listeners) l(m); }

  /** the state to every renderer, at most every SEND_EVERY_MS (the last change always goes out) */
  private publish(now = false) {
    const wait = SEND_EVERY_MS - (Date.now() - this.lastSent);
    if (now || wait <= 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.lastSent = Date.now();
      if (this.view) this.emit({ type: 'sweep', sweep: structuredClone(this.view) });
    } else {
      this.timer ??= setTimeout(() => this.publish(true), wait);
    }
  }

  command(c: SweepCommand, reply: (m: HostMessage) => void) {
    if (c.type === 'sweep-stop') this.stop();
    else this.start(c.sweep, reply);
  }

  start(raw: unknown, reply: (m: HostMessage) => void) {
    const refuse = (message: string) => reply({ type: 'error', message, sweep: true });
    if (this.abort) return refuse('a sweep is running: stop it first');
    const base = (raw as { base?: unknown } | null)?.base;
    if (typeof base !== 'object' || base === null) return refuse('sweep: base: the app sends the run spec itself, not a path');
    const v = validateSweep(raw, base);
    if (!v.ok) return refuse(`sweep: ${v.issues[0].path}: ${v.issues[0].message}`);
    let dir: string, resuming: boolean;
    try {
      ({ dir, resuming } = sweepFolder(this.opts.runsDir, v.sweep.name, v.sweep));
    } catch (e) {
      return refuse((e as Error).message);
    }
    void resuming;
    this.running = this.run(v.sweep, base, dir);
  }

  private async run(sweep: SweepSpec, base: unknown, dir: string) {
    const abort = new AbortController();
    this.abort = abort;
    const workers = this.opts.workers ?? defaultWorkers();
    const pool = new TrialPool({ workers, spawn: this.opts.spawn, runsDir: join(dir, TRIALS_DIR), baseDir: this.opts.baseDir, backend: this.opts.backend, dataDirs: this.opts.dataDirs, hangAfterMs: this.opts.hangAfterMs });
    const view: SweepView = {
      id: basename(dir), name: sweep.name, method: sweep.method, metric: sweep.metric, goal: sweep.goal, parameters: sweep.parameters,
      asha: sweep.asha ?? null, status: 'running', trials: [], rungs: null, best: null, startedAt: Date.now(),
    };
    this.view = view;
    const rowsToView = (rows: readonly TrialRow[]) => rows.map((r) => ({
      trial: r.trial, params: r.params, status: r.status, epochs: r.epochs, rung: r.rung, metric: r.metric,
      runId: r.runDir ? basename(r.runDir) : null, ...(r.attempt ? { attempt: r.attempt } : {}), ...(r.reason ? { reason: r.reason } : {}),
    }));
    try {
      const result = await runSweep({
        dir, sweep, base, pool, signal: abort.signal,
        onUpdate: (rows, rungs) => {
          view.trials = rowsToView(rows);
          view.rungs = rungs ? rungs.map((r) => ({ epochs: r.epoch, final: r.final, entries: r.entries })) : null;
          this.publish();
        },
        onTrialEvent: (runId: string, e: RunEvent) => this.emit({ type: 'events', runId, events: [e] }),
        onAttemptSuperseded: (runId, end) => this.emit({ type: 'run-superseded', runId, end }),
        onWarning: (line) => { view.warnings = [...(view.warnings ?? []), line]; this.publish(); },
      });
      view.trials = rowsToView(result.trials);
      view.best = result.best ? { trial: result.best.trial, metric: result.best.metric } : null;
      view.status = result.interrupted ? 'stopped' : 'finished';
    } catch (e) {
      view.status = 'failed';
      view.reason = (e as Error).message;
      this.emit({ type: 'error', message: `sweep ${sweep.name}: ${view.reason}`, sweep: true });
    } finally {
      await pool.close();
      this.abort = null;
      this.publish(true);
    }
  }

  stop() {
    if (!this.abort || !this.view) return;
    this.view.status = 'stopping';
    this.publish(true);
    this.abort.abort();
  }

  /** Stops a running sweep (its trials end stopped, and resume when it is started again), for a host that quits. */
  async shutdown(): Promise<void> {
    this.stop();
    await this.running?.catch(() => undefined);
    if (this.timer) clearTimeout(this.timer);
  }
}
