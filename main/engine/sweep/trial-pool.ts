// A pool of engine processes that train a sweep's trials, one trial per process at a time. Each
// slot is an EngineSupervisor (the same one the app uses), so a trial whose engine crashes or
// hangs still ends with a run-end in its folder, and the slot starts a fresh engine for the next
// trial. Engines stay up between trials: the backend and the data load once a process, not once
// a trial. The host says how a process is spawned (a Node fork for the CLI).
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '../../../shared/events.ts';
import type { HostMessage } from '../../../shared/host.ts';
import type { BackendChoice } from '../backends/select.ts';
import { EngineSupervisor, type EngineProcess } from '../process/supervisor.ts';
import type { TrialHandle, TrialOutcome, TrialRunner } from './trial-runner.ts';

export interface TrialPoolOptions {
  workers: number;
  spawn: () => EngineProcess;
  /** where the trials' run folders go */
  runsDir: string;
  /** relative data paths in the trial specs resolve from here */
  baseDir: string;
  backend?: BackendChoice;
  dataDirs?: string[];
  /** an engine silent this long is declared hung (the supervisor's default is a minute) */
  hangAfterMs?: number;
}

/** One engine per core but one (the coordinator and the statistics workers need some CPU), at least one. */
export const defaultWorkers = () => Math.max(1, availableParallelism() - 1);

interface Slot { supervisor: EngineSupervisor; busy: boolean }

export class TrialPool implements TrialRunner {
  private readonly slots: Slot[];
  private waiting: ((slot: Slot) => void)[] = [];
  private closed = false;

  constructor(private readonly opts: TrialPoolOptions) {
    if (!Number.isInteger(opts.workers) || opts.workers < 1) throw new Error(`workers: expected a whole number >= 1, got ${opts.workers}`);
    this.slots = Array.from({ length: opts.workers }, () => ({
      busy: false,
      supervisor: new EngineSupervisor({
        spawn: opts.spawn, runsDir: opts.runsDir, baseDir: opts.baseDir, backend: opts.backend, dataDirs: opts.dataDirs, hangAfterMs: opts.hangAfterMs,
      }),
    }));
  }

  get size() { return this.slots.length; }

  /** Trains `spec` on the next free engine. `onEvent` sees every event of the run as it streams. */
  run(spec: unknown, onEvent: (e: RunEvent, runDir: string) => void = () => undefined): TrialHandle {
    let stopAsked = false;
    let slotNow: Slot | null = null;
    const done = this.acquire().then((slot) => {
      slotNow = slot;
      return this.train(slot, spec, onEvent, () => stopAsked).finally(() => this.release(slot));
    });
    return {
      done,
      stop: () => {
        stopAsked = true;
        // (a trial still waiting for a slot is stopped when it gets one, before it trains)
        if (slotNow?.supervisor.state.state === 'running') slotNow.supervisor.stop();
      },
    };
  }

  private train(slot: Slot, spec: unknown, onEvent: (e: RunEvent, runDir: string) => void, stopAsked: () => boolean): Promise<TrialOutcome> {
    const sup = slot.supervisor;
    if (stopAsked()) return Promise.resolve({ status: 'stopped', reason: 'stopped before it started', runId: null, runDir: null, end: null });
    return new Promise<TrialOutcome>((resolve) => {
      let runId: string | null = null;
      let runDir: string | null = null;
      let settled = false;
      let ended: TrialOutcome | null = null;
      const finish = (o: TrialOutcome) => {
        if (settled) return;
        settled = true;
        unsubscribe();
        resolve(o);
      };
      const onMessage = (m: HostMessage) => {
        if (m.type === 'started') {
          runId = m.runId;
          runDir = join(this.opts.runsDir, m.runId);
          if (stopAsked()) sup.stop();
        } else if (m.type === 'events' && m.runId === runId) {
          for (const e of m.events) {
            onEvent(e, runDir!);
            if (e.type === 'run-end') ended = { status: e.status, reason: e.reason, runId, runDir, end: e };
          }
          // (the slot is free once the engine says it is idle, a moment after the run-end)
          if (ended && sup.state.state !== 'running') finish(ended);
        } else if (m.type === 'engine' && m.engine.state !== 'running') {
          if (ended) finish(ended);
          // died while loading the backend, the data or the model: no folder, no run-end
          else if (m.engine.state === 'crashed' && runId === null) finish({ status: 'failed', reason: m.engine.reason, runId: null, runDir: null, end: null });
        }
      };
      const unsubscribe = sup.subscribe(onMessage);
      // a refusal (a spec the engine will not run, data that does not load) comes to the asker alone
      sup.start({ type: 'start', spec }, (m) => {
        if (m.type === 'error' && runId === null) finish({ status: 'failed', reason: m.message, runId: null, runDir: null, end: null });
        else onMessage(m);
      });
    });
  }

  private acquire(): Promise<Slot> {
    if (this.closed) return Promise.reject(new Error('the trial pool is closed'));
    const free = this.slots.find((s) => !s.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot) {
    const next = this.waiting.shift();
    if (next) next(slot); else slot.busy = false;
  }

  /** Stops every running trial (their folders get run-ends), then ends the engine processes. */
  async close(timeoutMs = 5000): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.supervisor.shutdown(timeoutMs)));
  }
}
