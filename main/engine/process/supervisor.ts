// Owns the engine process for a host: starts it, forwards commands, batches its events to the
// renderers, and when it crashes or hangs marks the run failed (in the run folder too), keeps
// what was recorded and starts a fresh engine for the next run. The host supplies how a
// process is spawned (child_process.fork here, utilityProcess in Electron).
import { stringifyJson } from '../../../shared/json-number.ts';
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROTOCOL_VERSION, type RunEndEvent, type RunEvent } from '../../../shared/events.ts';
import type { EngineState, HostCommand, HostMessage, SweepCommand, ToolRun } from '../../../shared/host.ts';
import { issueText, type EngineCommandOf, type EngineService } from '../../../shared/engine-service.ts';
import { toolById } from '../../../shared/tools/registry.ts';
import { parseEngineReply, type EngineReply, type EngineRequest } from './protocol.ts';
import { EVENTS_FILE } from '../run/run-folder.ts';
import { joinTail, loggedIndices, readEventsFrom, REPLAY_CHUNK, runFolderOf, Tail } from './replay.ts';
import type { BackendChoice, NativeProbes } from '../backends/select.ts';

export interface EngineProcess {
  send(m: EngineRequest): void;
  onMessage(listener: (m: unknown) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  /** what the process writes to stdout and stderr (warnings, a native crash's last words), when the host captures it */
  onOutput?(listener: (text: string) => void): void;
  kill(): void;
}

/** The engine's own output, kept in the run's folder (in the runs folder between runs). */
export const ENGINE_LOG = 'engine.log';

export interface SupervisorOptions {
  spawn: () => EngineProcess;
  runsDir: string;
  /** relative data paths in specs resolve from here */
  baseDir: string;
  backend?: BackendChoice;
  /** the engine is declared hung after this long without a message */
  hangAfterMs?: number;
  /** the native backends as the host probed them itself (the desktop app, where the engine cannot spawn a Node) */
  probes?: NativeProbes;
  /** the host's own folders for named datasets */
  dataDirs?: string[];
}

/** The index after every one streamed and every one logged (a loop: a long log holds many). */
function nextIndex(next: number, logged: Set<number>): number {
  for (const i of logged) if (i >= next) next = i + 1;
  return next;
}

/** Serves the engine service for a host: checks what may run now, forwards to the engine process. */
export class EngineSupervisor implements EngineService {
  private proc: EngineProcess | null = null;
  private engineState: EngineState = { state: 'idle' };
  private run: { runId: string; runDir: string; steps: number; epochs: number; started: number; next: number } | null = null;
  /** the events of the latest run its folder may not hold yet (for replays) */
  private tail = new Tail();
  /** the renderer whose start is on its way to the engine: a refusal from the engine goes to it alone */
  private asker: ((m: HostMessage) => void) | null = null;
  private listeners: ((m: HostMessage) => void)[] = [];
  private lastHeard = Date.now();
  private watchdog: NodeJS.Timeout | null = null;
  private expectedExit = false;
  private running: ToolRun | null = null;

  constructor(private readonly opts: SupervisorOptions) {}

  get state(): EngineState { return this.engineState; }
  /** the tool the engine runs now, for renderers that connect meanwhile */
  get toolRun(): ToolRun | null { return this.running; }

  subscribe(listener: (m: HostMessage) => void) {
    this.listeners.push(listener);
    return () => { this.listeners = this.listeners.filter((l) => l !== listener); };
  }

  private emit(m: HostMessage) { for (const l of this.listeners) l(m); }

  private setState(s: EngineState) {
    this.engineState = s;
    this.emit({ type: 'engine', engine: s });
  }

  private ensureProcess(): EngineProcess {
    if (this.proc) return this.proc;
    const p = this.opts.spawn();
    this.expectedExit = false;
    this.lastHeard = Date.now();
    p.onMessage((raw) => {
      const r = parseEngineReply(raw);
      if (r.ok) this.onReply(r.reply); else this.emit({ type: 'error', message: r.error });
    });
    p.onExit((code, signal) => {
      if (this.proc !== p) return;
      this.proc = null;
      this.stopWatchdog();
      if (!this.expectedExit) this.crashed(signal ? `the engine process was killed (${signal})` : `the engine process exited with code ${code}${this.lastWords()}`);
    });
    p.onOutput?.((text) => this.log(text));
    this.proc = p;
    p.send({ type: 'configure', runsDir: this.opts.runsDir, baseDir: this.opts.baseDir, backend: this.opts.backend ?? 'auto', ...(this.opts.probes ? { probes: this.opts.probes } : {}), ...(this.opts.dataDirs ? { dataDirs: this.opts.dataDirs } : {}) });
    // watched from the start: a hang while the backend loads or the data decodes is a hang too
    this.startWatchdog();
    return p;
  }

  /** The engine's output, appended to engine.log in the run's folder, or the runs folder between runs. */
  private log(text: string) {
    this.recentOutput = (this.recentOutput + text).slice(-2000);
    try {
      appendFileSync(join(this.run?.runDir ?? this.opts.runsDir, ENGINE_LOG), text);
    } catch { /* a log that cannot be written must not take the host down; the run folder reports its own errors */ }
  }
  private recentOutput = '';

  /** The last line the engine wrote that looks like an error, for the crash message (never a dump of wasm glue). */
  private lastWords(): string {
    const line = this.recentOutput.split('\n').map((l) => l.trim()).filter((l) => l && l.length < 300 && /error|abort|fatal|killed/i.test(l)).at(-1);
    this.recentOutput = '';
    return line ? ` (${line})` : '';
  }

  private onReply(m: EngineReply) {
    this.lastHeard = Date.now();
    switch (m.type) {
      case 'started':
        this.asker = null;
        this.run = { runId: m.runId, runDir: m.runDir, steps: 0, epochs: 0, started: Date.now(), next: 0 };
        this.tail.reset(m.runId, m.runDir);
        this.setState({ state: 'running', runId: m.runId, paused: false });
        this.emit({ type: 'started', runId: m.runId });
        break;
      case 'events':
        for (const e of m.events) {
          if (e.type === 'step') this.run && (this.run.steps = e.step + 1);
          if (e.type === 'epoch') this.run && (this.run.epochs = e.epoch + 1);
          if (e.i !== undefined && this.run) this.run.next = e.i + 1;
          // every renderer's header shows paused or running: the state changes with the run's status
          if (e.type === 'status' && this.engineState.state === 'running' && this.engineState.paused !== (e.status === 'paused')) {
            this.setState({ ...this.engineState, paused: e.status === 'paused' });
          }
        }
        if (this.tail.runId === m.runId) this.tail.add(m.events, m.persisted);
        this.emit({ type: 'events', runId: m.runId, events: m.events });
        break;
      case 'finished':
        this.run = null;
        this.setState({ state: 'idle' });
        break;
      case 'error': {
        if (m.tool && this.running?.requestId === m.requestId) this.running = null;
        const error: HostMessage = { type: 'error', message: m.message, ...(m.tool ? { tool: m.tool } : {}), ...(m.requestId ? { requestId: m.requestId } : {}) };
        // a start the engine refused (a bad spec, data that does not load) is the asking renderer's error
        const to = !m.tool && !m.requestId && this.asker && this.engineState.state !== 'running' ? this.asker : null;
        this.asker = null;
        if (to) to(error); else this.emit(error);
        break;
      }
      case 'tool-progress':
      case 'preparing':
      case 'model-imported':
      case 'model-exported':
        this.emit(m);
        break;
      case 'tool-result': {
        this.running = null;
        // checked against the tool's own schema before any renderer sees it
        const r = toolById(m.tool)!.result.safeParse(m.result);
        const requestId = m.requestId ? { requestId: m.requestId } : {};
        this.emit(r.success ? { type: 'tool-result', tool: m.tool, result: r.data, ...requestId } : { type: 'error', tool: m.tool, message: `${m.tool}: result ${issueText(r.error)}`, ...requestId });
        break;
      }
      default:
        break;
    }
  }

  /** Ends the current run for the engine, which cannot: its run-end goes into the folder and to the renderers. */
  private endRun(status: 'failed' | 'stopped', reason: string) {
    const run = this.run;
    this.run = null;
    if (!run) return null;
    // The log may hold events the stream never carried (written, not yet sent), and the stream
    // events the log never got (sent, not yet flushed): the folder gets the latter, and the
    // run-end an index after both.
    const logged = loggedIndices(run.runDir);
    const unwritten = this.tail.runId === run.runId ? this.tail.snapshot().filter((e) => e.i !== undefined && !logged.has(e.i)) : [];
    const end: RunEndEvent = {
      v: PROTOCOL_VERSION, t: Date.now(), i: nextIndex(run.next, logged), type: 'run-end', status, reason, steps: run.steps, epochs: run.epochs,
      durationMs: Date.now() - run.started, final: { train: null, validation: null, test: null },
    };
    const log = join(run.runDir, EVENTS_FILE);
    // A newline first: the engine may have died in the middle of a line.
    try {
      if (existsSync(log)) appendFileSync(log, `\n${[...unwritten, end].map((e) => stringifyJson(e)).join('\n')}\n`);
    } catch { /* a full disk: the renderers still get the end */ }
    if (this.tail.runId === run.runId) this.tail.add([end]);
    this.emit({ type: 'events', runId: run.runId, events: [end] });
    return run;
  }

  /** The engine died or hung: end its run as failed, in the folder and for the renderers. */
  private crashed(reason: string) {
    const run = this.endRun('failed', reason);
    const tool = this.running;
    this.running = null;
    if (tool) this.emit({ type: 'error', tool: tool.tool, message: `${tool.tool}: ${reason}`, ...(tool.requestId ? { requestId: tool.requestId } : {}) });
    this.asker = null;
    this.setState({ state: 'crashed', runId: run?.runId ?? null, reason });
    this.emit({ type: 'error', message: `${reason}; the recorded data is kept and the next run starts a fresh engine` });
  }

  private startWatchdog() {
    this.stopWatchdog();
    const limit = this.opts.hangAfterMs ?? 60_000;
    const interval = Math.min(1000, limit / 4);
    let lastCheck = Date.now();
    this.watchdog = setInterval(() => {
      const now = Date.now();
      // the host itself was asleep (a laptop lid): the engine's silence meanwhile says nothing
      if (now - lastCheck > interval * 5) this.lastHeard = now;
      lastCheck = now;
      // A run is held to the limit. Preparing one (probing native backends, each up to 60 s,
      // decoding data) and a tool (whose kernels may not yield for long) get five times as long.
      const allowed = this.run ? limit : this.asker || this.running ? limit * 5 : Infinity;
      if (now - this.lastHeard > allowed) {
        const p = this.proc;
        this.proc = null;
        this.stopWatchdog();
        this.crashed(`the engine stopped responding for ${allowed < 10_000 ? (allowed / 1000).toFixed(1) : Math.round(allowed / 1000)} s`);
        p?.kill();
      }
    }, interval);
    this.watchdog.unref();
  }

  private stopWatchdog() {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
  }

  /**
   * A renderer's command. Refusals and answers meant for the renderer that asked go to `reply`
   * alone (another tab's refusal is not this tab's business); state changes go to every renderer.
   */
  command(c: Exclude<HostCommand, { type: 'hello' } | SweepCommand>, reply: (m: HostMessage) => void = (m) => this.emit(m)) {
    if (c.type === 'replay') { void this.replay(c.runId, c.from, reply); return; }
    (this[c.type] as (c: HostCommand, reply: (m: HostMessage) => void) => void)(c, reply);
  }

  start(c: EngineCommandOf<'start'>, reply: (m: HostMessage) => void = (m) => this.emit(m)) {
    if (this.engineState.state === 'running') {
      reply({ type: 'error', message: 'a run is already in progress: stop it first' });
      return;
    }
    if (this.running) {
      reply({ type: 'error', message: `a run waits: the engine is running ${this.running.tool} (stop it first)` });
      return;
    }
    if (this.asker) {
      reply({ type: 'error', message: 'a run is starting (its data and model are being loaded): wait for it, or stop it' });
      return;
    }
    const p = this.ensureProcess();
    if (this.post(p, c, reply)) {
      this.asker = reply;
      this.lastHeard = Date.now(); // (the engine may have been idle, and silent, for long)
    }
  }

  /** Sends a command to the engine; a message the channel cannot carry is an error for the client, not a crash. */
  private post(p: EngineProcess, c: EngineRequest, reply: (m: HostMessage) => void = (m) => this.emit(m)): boolean {
    try {
      p.send(c);
      return true;
    } catch (e) {
      reply({ type: 'error', message: `${c.type}: the engine cannot be sent this message (${(e as Error).message.split('\n')[0]})` });
      return false;
    }
  }

  /** A debugging tool on a spec (overfit check, gradient check...), in the engine process, not while a run trains. */
  tool(c: EngineCommandOf<'tool'>, reply: (m: HostMessage) => void = (m) => this.emit(m)) {
    const refuse = (message: string) => reply({ type: 'error', tool: c.tool, message, ...(c.requestId ? { requestId: c.requestId } : {}) });
    if (this.engineState.state === 'running') { refuse(`${c.tool} runs when no run is training`); return; }
    if (this.running) { refuse(`${c.tool} waits: the engine is running ${this.running.tool}`); return; }
    this.running = { tool: c.tool, ...(c.requestId ? { requestId: c.requestId } : {}) };
    this.lastHeard = Date.now();
    if (!this.post(this.ensureProcess(), c, reply)) this.running = null;
  }

  /** A part of a model upload, or a run's model to export: the engine answers the renderer that asked (by requestId), between steps when a run trains. */
  'import-model'(c: EngineCommandOf<'import-model'>, reply: (m: HostMessage) => void = (m) => this.emit(m)) {
    this.post(this.ensureProcess(), c, reply);
  }

  'export-model'(c: EngineCommandOf<'export-model'>, reply: (m: HostMessage) => void = (m) => this.emit(m)) {
    this.post(this.ensureProcess(), c, reply);
  }

  /**
   * A run's events from stream index `from`, for a renderer that missed some (reloaded mid-run):
   * its folder's log, then what the engine has streamed but not yet written. Answered to the
   * asking renderer alone, in chunks, the last one marked `done`.
   */
  async replay(runId: string, from: number, reply: (m: HostMessage) => void) {
    const done = (events: RunEvent[], error?: string) => reply({ type: 'replay', runId, events, done: true, ...(error ? { error } : {}) });
    const latest = this.tail.runId === runId;
    const dir = latest ? this.tail.runDir : runFolderOf(this.opts.runsDir, runId);
    if (!dir) { done([], `run ${runId}: no such run folder in ${this.opts.runsDir}`); return; }
    const tail = latest ? this.tail.snapshot() : [];
    let events: RunEvent[];
    let error: string | undefined;
    try {
      events = joinTail(await readEventsFrom(dir, from), tail, from);
    } catch (e) {
      // the log cannot be read (a full disk never created it): the tail is what there is, and the
      // renderer is told that it may lack events
      events = joinTail([], tail, from);
      error = `run ${runId}: ${(e as Error).message}`;
    }
    for (let k = 0; k + REPLAY_CHUNK < events.length; k += REPLAY_CHUNK) {
      reply({ type: 'replay', runId, events: events.slice(k, k + REPLAY_CHUNK), done: false });
    }
    done(events.slice(Math.floor(Math.max(events.length - 1, 0) / REPLAY_CHUNK) * REPLAY_CHUNK), error);
  }

  pause() { this.proc?.send({ type: 'pause' }); }
  resume() { this.proc?.send({ type: 'resume' }); }
  stop() { this.proc?.send({ type: 'stop' }); }
  /** Per-sample predictions of the running run, now. */
  evaluate() { this.proc?.send({ type: 'evaluate' }); }

  /**
   * Ends a running run as the user would (stop: its folder gets its run-end, status stopped), waits
   * up to `timeoutMs` for the engine to finish it, then disposes. For a host that is quitting.
   */
  async shutdown(timeoutMs = 5000): Promise<void> {
    if (this.engineState.state === 'running') {
      if (this.engineState.paused) this.resume();
      this.stop();
      const until = Date.now() + timeoutMs;
      while (this.engineState.state === 'running' && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      // an engine busy in a long kernel does not get there in time: its run ends stopped all the same
      if (this.engineState.state === 'running') {
        this.endRun('stopped', `the app quit before the engine could finish the step it was in (waited ${(timeoutMs / 1000).toFixed(0)} s)`);
        this.setState({ state: 'idle' });
      }
    }
    this.dispose();
  }

  dispose() {
    this.stopWatchdog();
    this.expectedExit = true;
    this.proc?.kill();
    this.proc = null;
  }
}
