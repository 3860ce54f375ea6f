// The app's state: the host connection, the run library, the run on screen. Engine events go
// into the run's data and the library as they arrive; views redraw at most once per frame.
import type { EngineState, GradcheckResult, Host, HostMessage, Preset } from '../../shared/host.ts';
import type { InitExplorerResult } from '../../shared/init-explorer.ts';
import type { OverfitResult } from '../../shared/overfit.ts';
import type { Finding, FixId } from '../../shared/diagnosis/finding.ts';
import type { ViewApp } from './instruments/framework/instrument.ts';
import { applyFix } from '../../shared/diagnosis/fixes.ts';
import type { RunEvent } from '../../shared/events.ts';
import { RunData } from './lib/run-data.ts';
import { RunLibrary } from './store/library.ts';
import type { RunRecord } from './store/db.ts';

export class AppState implements ViewApp {
  connected = $state(false);
  presets = $state<Preset[]>([]);
  engine = $state<EngineState>({ state: 'idle' });
  runs = $state<RunRecord[]>([]);
  current = $state.raw<RunData | null>(null);
  /** bumps when the current run's data changed: views read it to redraw */
  tick = $state(0);
  /** the tab on screen (an id of views/tabs.ts) */
  tab = $state('overview');
  error = $state<string | null>(null);
  /** a spec file opened from the menu or a file picker, for the New run editor */
  pendingSpec = $state<string | null>(null);
  /** the latest overfit check: running, or its verdict */
  overfit = $state<{ running: boolean; result: OverfitResult | null }>({ running: false, result: null });
  /** the gradient check and the init explorer: which one runs, and their latest results */
  tools = $state<{ running: 'gradcheck' | 'init-explorer' | null; gradcheck: GradcheckResult | null; initExplorer: InitExplorerResult | null }>({ running: null, gradcheck: null, initExplorer: null });
  /** a fix being tried: the variant's run, compared with the run it came from */
  trial = $state.raw<{ base: RunData; finding: Finding; fix: FixId; runId: string | null } | null>(null);
  private frame = 0;

  constructor(readonly host: Host, readonly library: RunLibrary) {
    library.onError = (m) => { this.error = m; };
    library.onChange = () => { void this.refreshRuns(); };
  }

  get live() { return this.engine.state === 'running' && this.current?.runId === this.engine.runId; }

  async init() {
    this.host.subscribe((m) => this.onMessage(m));
    try {
      const welcome = await this.host.connect();
      this.connected = true;
      this.presets = welcome.presets;
      this.engine = welcome.engine;
      if (welcome.engine.state === 'running') await this.follow(welcome.engine.runId);
    } catch (e) {
      this.error = (e as Error).message;
    }
    await this.refreshRuns();
    // Land on the demo (New run shows it first) unless a run is training.
    if (!this.current) this.tab = 'new';
  }

  /** Show a run that is training now, with what the library already holds of it. */
  private async follow(runId: string) {
    await this.library.attach(runId);
    this.current = (await this.library.open(runId)) ?? new RunData(runId);
    this.bump();
  }

  private onMessage(m: HostMessage) {
    switch (m.type) {
      case 'started':
        if (this.trial && this.trial.runId === null) this.trial = { ...this.trial, runId: m.runId };
        this.current = new RunData(m.runId);
        this.tab = 'overview';
        this.bump();
        break;
      case 'events':
        this.library.ingest(m.runId, m.events);
        if (this.current?.runId === m.runId) {
          this.current.ingest(m.events as RunEvent[]);
          this.bump();
        }
        break;
      case 'engine':
        this.engine = m.engine;
        if (m.engine.state === 'crashed') this.error = `engine: ${m.engine.reason}`;
        break;
      case 'error':
        this.error = m.message;
        if (this.overfit.running) this.overfit = { running: false, result: null };
        if (this.tools.running) this.tools = { ...this.tools, running: null };
        break;
      case 'overfit':
        this.overfit = { running: false, result: m.result };
        break;
      case 'gradcheck':
        this.tools = { ...this.tools, running: null, gradcheck: m.result };
        break;
      case 'init-explorer':
        this.tools = { ...this.tools, running: null, initExplorer: m.result };
        break;
      case 'file':
        if (m.kind === 'spec') { this.pendingSpec = m.text; this.tab = 'new'; }
        else void this.importRun(m.name, m.text);
        break;
      default:
        break;
    }
  }

  private async importRun(name: string, text: string) {
    try {
      const r = await this.library.importLog(text);
      await this.open(r.runId);
      if (r.skipped) this.error = `${name}: ${r.skipped} line(s) could not be read and were skipped (${r.firstProblem})`;
    } catch (e) {
      this.error = `${name}: ${(e as Error).message}`;
    }
  }

  private bump() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.tick++; });
  }

  async refreshRuns() {
    try {
      this.runs = await this.library.list();
    } catch (e) {
      this.error = `the run library cannot be read: ${(e as Error).message}`;
    }
  }

  async open(runId: string) {
    const data = await this.library.open(runId);
    if (!data) { this.error = `run ${runId} is not in the library`; return; }
    this.current = data;
    this.tab = 'overview';
    this.bump();
  }

  start(spec: unknown) {
    this.error = null;
    this.host.send({ type: 'start', spec });
  }
  /** Runs the spec of the current run with one remedy applied, for a short budget, to compare. */
  tryFix(finding: Finding, fix: FixId) {
    const base = this.current;
    if (!base?.start) return;
    const variant = applyFix(base.start.spec, fix, finding);
    variant.training = { ...variant.training, epochs: Math.min(2, variant.training.epochs) };
    this.trial = { base, finding, fix, runId: null };
    this.start(variant);
  }

  runTool(type: 'gradcheck' | 'init-explorer', spec: unknown) {
    this.error = null;
    this.tools = { ...this.tools, running: type };
    this.host.send({ type, spec });
  }

  checkOverfit(spec: unknown) {
    this.error = null;
    this.overfit = { running: true, result: null };
    this.host.send({ type: 'overfit', spec });
  }
  pause() { this.host.send({ type: 'pause' }); }
  resume() { this.host.send({ type: 'resume' }); }
  stop() { this.host.send({ type: 'stop' }); }
  /** Per-sample predictions of the training run with its current weights. */
  evaluateNow() { this.host.send({ type: 'evaluate' }); }
}
