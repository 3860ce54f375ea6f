// The app's state: the host connection, the run library, the run on screen. Engine events go
// into the run's data and the library as they arrive; views redraw at most once per frame.
import type { EngineState, Host, HostMessage, Preset, StartPhase } from '../../shared/host.ts';
import { TOOL_IDS, type ToolId } from '../../shared/tools/registry.ts';
import type { ToolState } from './tools/framework/tool.ts';
import type { Finding, FixId } from '../../shared/diagnosis/finding.ts';
import type { ViewApp } from './instruments/framework/instrument.ts';
import { applyFix } from '../../shared/diagnosis/fixes.ts';
import type { RunEvent } from '../../shared/events.ts';
import type { SweepView } from '../../shared/sweep/view.ts';
import type { SweepDraft } from './views/sweeps/sweep-definition.ts';
import type { RunSpec } from '../../shared/spec.ts';
import { adoptedSpec } from './diagnosis/verdict.ts';
import { RunData, type BrowsableSplit } from './lib/run-data.ts';
import { ModelFileState } from './lib/model-files.svelte.ts';
import { RunLibrary } from './store/library.ts';
import type { NewRunDraft, RunRecord, VariantOf } from './store/db.ts';
import { isTab } from './views/tabs.ts';
import { parseViewHash, type ViewLocation } from './view-url.ts';

export class AppState implements ViewApp {
  connected = $state(false);
  presets = $state<Preset[]>([]);
  engine = $state<EngineState>({ state: 'idle' });
  runs = $state<RunRecord[]>([]);
  current = $state.raw<RunData | null>(null);
  /** bumps when the current run's data changed: views read it to redraw */
  tick = $state(0);
  /** the tab on screen (an id of views/tabs.ts) */
  get tab() { return this.#tab; }
  set tab(id: string) { this.#tab = id; this.tabMoves++; }
  #tab = $state('overview');
  /** how often the tab changed: start-up leaves a tab chosen while it read the library (a click, a run starting) alone */
  private tabMoves = 0;
  /** the runs the Compare view compares, by id, in the order they were chosen */
  compare = $state<string[]>([]);
  error = $state<string | null>(null);
  /** a spec file opened from the menu or a file picker, for the New run editor */
  pendingSpec = $state<string | null>(null);
  /** New run's editor (its preset and text), kept while another tab is on screen and, in IndexedDB, across reloads */
  draft = $state.raw<NewRunDraft | null>(null);
  /** the address may follow the view: set once init has opened the view the address named */
  ready = $state(false);
  /** a run asked for and not started yet: what the engine is doing meanwhile (it sends nothing until the run starts) */
  /** between Start and 'started': since when, the run's name, and the step the engine reported last */
  starting = $state.raw<{ since: number; name: string; phase?: StartPhase } | null>(null);
  /** each tool: running (with its progress), and its latest result */
  tools = $state<Record<ToolId, ToolState>>(Object.fromEntries(TOOL_IDS.map((id) => [id, { running: false, requestId: null, progress: null, result: null, forRun: null }])) as Record<ToolId, ToolState>);
  /** a fix being tried: the variant's run, compared with the run it came from */
  trial = $state.raw<{ base: RunData; finding: Finding; fix: FixId; runId: string | null } | null>(null);
  /** a variant adopted with "Use this spec": the next run started from New run is recorded as its variant */
  adopted = $state.raw<VariantOf | null>(null);
  /** the host's sweep: running, or the last one of its session (the welcome brings it back after a reload) */
  sweep = $state.raw<SweepView | null>(null);
  /** why the last sweep-start was refused, or the sweep failed; shown in the Sweeps view */
  sweepError = $state<string | null>(null);
  /** a sweep-start sent and not answered yet */
  sweepStarting = $state(false);
  /** the Sweeps view's definition form, kept while another tab is on screen */
  sweepDraft = $state.raw<SweepDraft | null>(null);
  private frame = 0;
  private listAsked = 0;
  private listShown = 0;
  private draftTimer: ReturnType<typeof setTimeout> | null = null;
  /**
   * Runs being replayed (their events from the first one the library lacks), with the live events
   * that came meanwhile; `quiet`: a run that ended while no page was open, whose folder may be gone.
   */
  private replaying = new Map<string, { held: RunEvent[]; quiet: boolean; from: number }>();

  /** model files: an upload from New run, a run's model exported */
  readonly models: ModelFileState;

  constructor(readonly host: Host, readonly library: RunLibrary) {
    this.models = new ModelFileState((c) => host.send(c), (text) => { this.pendingSpec = text; this.adopted = null; this.tab = 'new'; }, () => this.draft?.text);
    library.onError = (m) => { this.error = m; };
    library.onChange = () => { void this.refreshRuns(); };
    library.onGap = (runId, from) => this.requestReplay(runId, from, false);
  }

  get live() { return this.engine.state === 'running' && this.current?.runId === this.engine.runId; }

  async init() {
    const moves = this.tabMoves;
    // the draft first: New run must not open on the demo and then overwrite the user's edits with it
    try { this.draft = (await this.library.db.loadDraft()) ?? this.draft; } catch { /* no draft: the demo */ }
    this.host.subscribe((m) => this.onMessage(m));
    try {
      const welcome = await this.host.connect();
      this.connected = true;
      this.presets = welcome.presets;
      this.engine = welcome.engine;
      this.sweep = welcome.sweep ?? null;
      // a tool another window started is running: this one waits for it too
      if (welcome.tool) this.setTool(welcome.tool.tool, { running: true, requestId: welcome.tool.requestId ?? null });
      if (welcome.engine.state === 'running') await this.follow(welcome.engine.runId);
      // runs that ended while no page was open (a reload as the run finished): fill them in from their folders
      for (const r of await this.library.unfinished()) {
        if (r.id !== this.current?.runId) this.requestReplay(r.id, await this.library.attach(r.id), true);
      }
    } catch (e) {
      this.error = (e as Error).message;
    }
    await this.refreshRuns();
    // The view the address names (a reload, a link); else the demo (New run shows it first) unless a run is training.
    // Start-up can take seconds on a big library: a tab the user picked meanwhile is newer than the address and stays.
    const at: ViewLocation = typeof location === 'undefined' ? { run: null, tab: null } : parseViewHash(location.hash);
    const picked = this.tabMoves !== moves;
    if (at.run || at.tab) await this.goTo(at, picked);
    else if (!this.current && !picked) this.tab = 'new';
    this.ready = true;
  }

  /**
   * Shows the run and tab of an address (a reload, a link, back/forward); what is not there is left as it is.
   * `keepTab`: the user moved while start-up read the library, so the view on screen is newer than
   * the address: its tab stays, and so do a run on screen (one opened, or one that started) and a
   * comparison; the address's run opens only into an empty view.
   */
  async goTo(at: ViewLocation, keepTab = false) {
    const moves = this.tabMoves;
    if (at.compare?.length) {
      if (!keepTab) { this.compare = at.compare; this.tab = 'compare'; }
      return;
    }
    if (at.run && at.run !== this.current?.runId && !(keepTab && this.current)) {
      const data = await this.library.open(at.run);
      // (opening a big run takes a while too: a view picked meanwhile, e.g. another run opened, wins over the address)
      if (this.tabMoves !== moves) return;
      if (data) { this.current = data; this.bump(); } else this.error = `run ${at.run} is not in the library`;
    }
    if (keepTab) return;
    if (at.tab && isTab(at.tab)) this.tab = at.tab;
    else if (at.run) this.tab = 'overview';
  }

  /** Opens the Compare view on these runs (the runs list's "Compare (N)"; a sweep's trials). */
  compareRuns(ids: string[]) {
    this.compare = [...new Set(ids)];
    this.tab = 'compare';
  }

  /** Keeps New run's editor: at once in this state, and shortly after in IndexedDB (one write per pause in typing). */
  setDraft(d: NewRunDraft) {
    if (this.draft?.text === d.text && this.draft.presetId === d.presetId) return;
    this.draft = d;
    if (this.draftTimer) clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => { this.draftTimer = null; this.library.db.saveDraft(d).catch((e) => { this.error = `the draft could not be saved: ${(e as Error).message}`; }); }, 300);
  }

  /** "Edit spec → New run": a run's spec, as the engine ran it, in New run's editor. */
  editSpec(spec: unknown) {
    this.adopted = null;
    this.setDraft({ presetId: 'opened', text: JSON.stringify(spec, null, 2) });
    this.tab = 'new';
  }

  /**
   * Show a run that is training now: what the library holds of it at once, then the rest as the
   * host replays what this page missed (the library and the views end up matching the run folder).
   */
  private async follow(runId: string) {
    const from = await this.library.attach(runId);
    // The views show the live events at once; when the replay is in the library, the run is
    // opened from it (replayed(), below) with everything, and the live events held meanwhile on top.
    this.current = new RunData(runId);
    this.bump();
    this.requestReplay(runId, from, false);
  }

  private requestReplay(runId: string, from: number, quiet: boolean) {
    if (this.replaying.has(runId)) return;
    this.replaying.set(runId, { held: [], quiet, from });
    this.host.send({ type: 'replay', runId, from });
  }

  /**
   * Events came for a run the library is not storing (it was detached as its replay ended while
   * its last events were still on their way, or this page never saw its start): store it again
   * from what the library holds, so no run is left without its end.
   */
  private async reattach(runId: string) {
    if (this.reattaching.has(runId) || this.replaying.has(runId)) return;
    this.reattaching.add(runId);
    try {
      this.requestReplay(runId, await this.library.attach(runId), false);
    } finally {
      this.reattaching.delete(runId);
    }
  }
  private reattaching = new Set<string>();

  /** The replay is in the library: the run on screen is reopened from it, then the live events it held go on top. */
  private async replayed(runId: string, error: string | undefined) {
    const r = this.replaying.get(runId);
    if (!r) return;
    if (error && !r.quiet) this.error = `the run library may lack events of ${runId}: ${error}`;
    this.library.ingest(runId, r.held);
    await this.library.flush();
    const data = this.current?.runId === runId ? await this.library.open(runId) : null;
    this.replaying.delete(runId);
    // Still a hole (events the replay's snapshot and the held live ones both missed): ask again
    // from it, as long as each replay moves the library on.
    const gap = this.library.gapFrom(runId);
    if (gap !== null && gap > r.from) this.requestReplay(runId, gap, r.quiet);
    if (data) {
      data.ingest(r.held);
      this.current = data;
      this.bump();
    }
    // nothing more comes for a run the engine is not training (what is still on its way re-attaches it)
    if (!this.replaying.has(runId) && !(this.engine.state === 'running' && this.engine.runId === runId)) await this.library.detach(runId);
  }

  private onMessage(m: HostMessage) {
    if (this.models.handle(m)) return;
    switch (m.type) {
      case 'started':
        if (this.trial && this.trial.runId === null) {
          this.trial = { ...this.trial, runId: m.runId };
          void this.library.setVariantOf(m.runId, { runId: this.trial.base.runId, fix: this.trial.fix });
        } else if (this.adopted) {
          void this.library.setVariantOf(m.runId, this.adopted);
          this.adopted = null;
        }
        this.starting = null;
        this.current = new RunData(m.runId);
        this.tab = 'overview';
        this.bump();
        break;
      case 'events':
        this.replaying.get(m.runId)?.held.push(...m.events);
        if (!this.replaying.has(m.runId) && !this.library.isStoring(m.runId) && !m.events.some((e) => e.type === 'run-start')) void this.reattach(m.runId);
        this.library.ingest(m.runId, m.events);
        if (this.current?.runId === m.runId) {
          this.current.ingest(m.events as RunEvent[]);
          this.bump();
        }
        break;
      case 'run-superseded':
        void this.library.settleSuperseded(m.runId, m.end).catch((e) => { this.error = `the run library could not settle ${m.runId}: ${(e as Error).message}`; });
        break;
      case 'replay':
        this.library.ingest(m.runId, m.events);
        if (m.done) void this.replayed(m.runId, m.error);
        break;
      case 'engine':
        this.engine = m.engine;
        if (m.engine.state === 'crashed') {
          this.starting = null;
          this.error = `engine: ${m.engine.reason}`;
          for (const id of TOOL_IDS) if (this.tools[id].running) this.setTool(id, { running: false, progress: null });
        }
        break;
      case 'sweep':
        this.sweep = m.sweep;
        this.sweepStarting = false;
        break;
      case 'error':
        // a sweep's refusal or failure belongs to the Sweeps view (and the banner, when another tab is on screen)
        if (m.sweep) {
          this.sweepError = m.message;
          this.sweepStarting = false;
          if (this.tab !== 'sweeps') this.error = m.message;
          break;
        }
        // A refusal of another window's request says nothing about this window's tool.
        if (m.tool && m.requestId && m.requestId !== this.tools[m.tool].requestId) break;
        this.error = m.message;
        if (!m.tool) this.starting = null; // the run did not start (a bad spec, missing data...)
        if (m.tool) this.setTool(m.tool, { running: false, progress: null });
        break;
      case 'preparing':
        if (this.starting) this.starting = { ...this.starting, phase: m.phase };
        break;
      case 'tool-progress':
        if (!m.requestId || m.requestId === this.tools[m.tool].requestId) this.setTool(m.tool, { running: true, progress: m.progress });
        break;
      case 'tool-result':
        this.setTool(m.tool, { running: false, progress: null, result: m.result });
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

  /** A tool's per-sample predictions (the data audit's training samples) into the open run, shown in the Misclassified view. */
  browse(b: BrowsableSplit) {
    if (!this.current) return;
    this.current.addBrowsable(b);
    this.bump();
    this.tab = 'predictions';
  }

  private bump() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.tick++; });
  }

  async refreshRuns() {
    // Reads overlap (every library write asks for one) and IndexedDB may answer them out of
    // order: an older list landing last would show a stopped run as running until the next write.
    const asked = ++this.listAsked;
    try {
      const runs = await this.library.list();
      if (asked > this.listShown) { this.listShown = asked; this.runs = runs; }
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
    const name = (spec as { name?: unknown } | null)?.name;
    this.starting = { since: Date.now(), name: typeof name === 'string' ? name : 'run' };
    this.host.send({ type: 'start', spec });
  }
  /**
   * Runs the spec of the current run with one remedy applied, for a short budget, to compare. The
   * remedy goes to `target`'s layers (a cause's), else the finding's; the verdict judges the finding.
   */
  tryFix(finding: Finding, fix: FixId, target: Pick<Finding, 'layers'> = finding) {
    const base = this.current;
    if (!base?.start) return;
    const variant = applyFix(base.start.spec, fix, target);
    variant.training = { ...variant.training, epochs: Math.min(2, variant.training.epochs) };
    this.trial = { base, finding, fix, runId: null };
    this.adopted = null;
    this.start(variant);
  }

  /**
   * "Use this spec": the trial's variant, trained as long as the original, goes into New run's
   * editor; the run started from it is recorded in the library as a variant of the original.
   */
  applyVariant() {
    const t = this.trial, run = this.current;
    if (!t || !run?.start || run.runId !== t.runId || !t.base.start) return;
    const spec: RunSpec = adoptedSpec(run.start.spec, t.base.start.spec);
    this.pendingSpec = JSON.stringify(spec, null, 2);
    this.adopted = { runId: t.base.runId, fix: t.fix };
    this.tab = 'new';
  }

  private setTool(id: ToolId, change: Partial<ToolState>) {
    this.tools = { ...this.tools, [id]: { ...this.tools[id], ...change } };
  }

  /** Any tool running: the engine runs one thing at a time. */
  get toolRunning(): boolean { return TOOL_IDS.some((id) => this.tools[id].running); }

  /** A debugging tool on a spec (the spec in New run, or a run's own: `forRun` names that run). */
  runTool(id: ToolId, spec: unknown, options?: Record<string, unknown>, forRun: string | null = null) {
    this.error = null;
    const requestId = `${id}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    this.setTool(id, { running: true, requestId, progress: null, result: null, forRun });
    this.host.send({ type: 'tool', tool: id, spec, requestId, ...(options ? { options } : {}) });
  }
  /** A sweep (a sweep spec whose base is the run spec itself) on the host's trial engines. */
  startSweep(sweep: Record<string, unknown>) {
    this.sweepError = null;
    this.sweepStarting = true;
    this.host.send({ type: 'sweep-start', sweep });
  }
  stopSweep() { this.host.send({ type: 'sweep-stop' }); }
  pause() { this.host.send({ type: 'pause' }); }
  resume() { this.host.send({ type: 'resume' }); }
  /** Stops the training run, or the tool that runs. */
  stop() { this.host.send({ type: 'stop' }); }
  /** Per-sample predictions of the training run with its current weights. */
  evaluateNow() { this.host.send({ type: 'evaluate' }); }
}
