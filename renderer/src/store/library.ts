// Mirrors runs into the run library as their events arrive, and reads them back so a finished
// run reopens with every view as it was, without an engine. Writes are batched (one transaction
// every FLUSH_MS); a storage error (quota, a blocked upgrade) is reported, never swallowed.
import { parseEvent, type PredictionsEvent, type RunEndEvent, type RunEvent, type RunStartEvent } from '../../../shared/events.ts';
import { RunData } from '../lib/run-data.ts';
import { Received } from '../lib/received.ts';
import { TrainscopeDB, type EventRecord, type MarkRecord, type PredictionRecord, type RunRecord, type SampleRecord, type StepRecord, type VariantOf } from './db.ts';
import { base64ToBytes, base64ToF32 } from '../../../shared/base64.ts';
import type { PredictionsHeader } from '../../../shared/instruments/predictions/definition.ts';
import { packCollection } from '../instruments/framework/payloads.ts';
import { layoutOf, type RunLayout } from '../instruments/framework/layout.ts';
import { readPayload, type Payloads } from '../../../shared/instruments/framework/define.ts';
import { INSTRUMENTS } from '../../../shared/instruments/registry.ts';

function headerOf(e: PredictionsEvent): PredictionsHeader {
  const { epoch, split, n, classes, k, task, loss, accuracy, confusion, perClass } = e;
  return { epoch, split, n, classes, k, task, loss, accuracy, confusion, perClass };
}

const FLUSH_MS = 300;

/** Removes the payloads that do not match their instrument's schema; says why for each. */
function dropInvalidPayloads(payloads: Payloads): string[] {
  const problems: string[] = [];
  for (const def of INSTRUMENTS) {
    if (!payloads[def.id] || !def.payload) continue;
    try {
      const r = readPayload(payloads, def, true);
      if (r.status === 'ok') payloads[def.id] = { v: def.version, data: r.data };
    } catch (e) {
      const issue = (e as { issues?: { path: PropertyKey[]; message: string }[] }).issues?.[0];
      problems.push(`${def.id}: ${issue ? `${issue.path.join('.') || 'data'}: ${issue.message}` : (e as Error).message}; left out`);
      delete payloads[def.id];
    }
  }
  return problems;
}

function bestOf(run: RunRecord, e: RunEvent) {
  if (e.type === 'epoch') {
    const v = e.validation;
    if (v?.loss !== undefined && !(run.best.val_loss <= v.loss)) run.best.val_loss = v.loss;
    if (v?.accuracy !== undefined && !(run.best.val_accuracy >= v.accuracy)) run.best.val_accuracy = v.accuracy;
    run.best.train_loss = e.train.loss;
  }
  if (e.type === 'test') for (const [k, x] of Object.entries(e.metrics)) run.best[`test_${k}`] = x;
}

interface Live {
  run: RunRecord; steps: Map<number, StepRecord>; dirty: Set<number>; events: EventRecord[]; seq: number; layout: RunLayout;
  predictions: PredictionRecord[]; samples: SampleRecord[];
  /** the stream indices stored or queued (`run.received` is its first missing one) */
  received: Received;
}

/**
 * A step's loss and its collection are two events and may be stored by different writes, even by
 * different pages (one stored the step, then reloaded; the next got the collection in a replay):
 * a record in memory adds to the stored one and never blanks what it does not hold.
 */
function mergeStored(records: StepRecord[], stored: (StepRecord | undefined)[]): StepRecord[] {
  return records.map((r, k) => {
    const old = stored[k];
    if (!old) return r;
    return {
      ...old, ...r,
      loss: Number.isNaN(r.loss) ? old.loss : r.loss,
      lr: Number.isNaN(r.lr) ? old.lr : r.lr,
      ...(r.c ?? old.c ? { c: r.c ?? old.c } : {}),
    };
  });
}

export class RunLibrary {
  readonly db: TrainscopeDB;
  private live = new Map<string, Live>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private flushing: Promise<void> = Promise.resolve();
  /** variants announced before their run's start event arrived */
  private variants = new Map<string, VariantOf>();
  onError: (message: string) => void = () => {};
  onChange: () => void = () => {};
  /** events of a run arrived past a gap: the host should replay the run from `from` */
  onGap: (runId: string, from: number) => void = () => {};

  constructor(db = new TrainscopeDB()) {
    this.db = db;
    db.on('blocked', () => { this.onError('the run library is open in an older tab that blocks its upgrade: close other Trainscope tabs'); });
  }

  /** Queue events of a live run for storage. */
  ingest(runId: string, events: RunEvent[]) {
    let l = this.live.get(runId);
    const gapBefore = l?.received.gap ?? false;
    for (const e of events) {
      if (e.type === 'run-start' && !l) {
        l = {
          run: {
            id: runId, name: e.spec.name, title: e.spec.name, createdAt: e.t, status: 'running', backend: e.backend.name, start: e, end: null, best: {}, steps: 0,
            ...(e.i !== undefined ? { received: e.i + 1 } : {}), ...(this.variants.has(runId) ? { variantOf: this.variants.get(runId) } : {}),
          },
          steps: new Map(), dirty: new Set(), events: [], seq: 0, layout: layoutOf(e), predictions: [], samples: [], received: new Received((e.i ?? -1) + 1),
        };
        this.live.set(runId, l);
        continue;
      }
      if (!l) continue; // events of a run whose start we have not seen: the app asks for a replay from its start
      if (!l.received.take(e.i)) continue;
      if (e.i !== undefined) l.run.received = l.received.next;
      if (e.type === 'step') {
        const r = l.steps.get(e.step);
        l.steps.set(e.step, { ...(r ?? {}), runId, step: e.step, epoch: e.epoch, loss: e.loss, lr: e.lr, t: e.t });
        l.dirty.add(e.step);
        l.run.steps = Math.max(l.run.steps, e.step + 1);
      } else if (e.type === 'collection') {
        const r = l.steps.get(e.step) ?? { runId, step: e.step, epoch: e.epoch, loss: NaN, lr: NaN, t: e.t };
        r.c = packCollection(e, l.layout).packed;
        l.steps.set(e.step, r);
        l.dirty.add(e.step);
      } else if (e.type === 'predictions') {
        // bulky numbers in their own table, as typed arrays; the header alone is not needed as an event
        if (e.data) l.predictions.push({ runId, split: e.split, epoch: e.epoch, header: headerOf(e), f: base64ToF32(e.data) });
      } else if (e.type === 'samples') {
        if (e.data) l.samples.push({ runId, split: e.split, n: e.n, shape: e.shape, encoding: e.encoding, lo: e.lo, hi: e.hi, labels: Float32Array.from(e.labels), data: base64ToBytes(e.data) });
      } else if (e.type !== 'run-start') {
        // keyed by the stream index when there is one, so an event stored twice is stored once
        l.events.push({ runId, seq: e.i ?? l.seq++, event: e });
        if (e.type === 'status') l.run.status = e.status;
        if (e.type === 'run-end') { l.run.status = e.status; l.run.end = e; }
        bestOf(l.run, e);
      }
    }
    if (l && l.received.gap && !gapBefore) this.onGap(runId, l.received.next);
    this.schedule();
  }

  private schedule() {
    if (!this.timer) this.timer = setTimeout(() => { this.timer = null; void this.flush(); }, FLUSH_MS);
  }

  /** Writes everything queued; resolves when it is on disk. */
  flush(): Promise<void> {
    // (one failed write must not leave the chain rejected: every later write would be skipped unseen)
    this.flushing = this.flushing.then(() => this.write()).catch((e) => { this.onError(`the run library could not save: ${(e as Error).message}`); });
    return this.flushing;
  }

  private async write() {
    for (const [runId, l] of this.live) {
      const steps = [...l.dirty].map((s) => l.steps.get(s)!);
      const events = l.events.splice(0);
      const predictions = l.predictions.splice(0);
      const samples = l.samples.splice(0);
      // the record as it stands with exactly these writes (`received` must not run ahead of what is stored)
      const run = { ...l.run };
      l.dirty.clear();
      try {
        await this.db.transaction('rw', [this.db.runs, this.db.steps, this.db.events, this.db.predictions, this.db.samples], async () => {
          await this.db.runs.put(run);
          if (steps.length) await this.db.steps.bulkPut(mergeStored(steps, await this.db.steps.bulkGet(steps.map((r) => [r.runId, r.step] as [string, number]))));
          if (events.length) await this.db.events.bulkPut(events);
          if (predictions.length) await this.db.predictions.bulkPut(predictions);
          if (samples.length) await this.db.samples.bulkPut(samples);
        });
      } catch (e) {
        // Keep the data queued for the next attempt and tell the user.
        for (const s of steps) l.dirty.add(s.step);
        l.events.unshift(...events);
        l.predictions.unshift(...predictions);
        l.samples.unshift(...samples);
        this.onError(`the run library could not save ${runId}: ${(e as Error).message}`);
        continue;
      }
      // Done with a run once this write held its end and nothing came meanwhile. (The end may have
      // arrived while this write was under way: judged by the live record, the run would be let go
      // with its run-end never written.) A run that ended past a gap stays: its replay still has to be stored.
      const queued = l.dirty.size + l.events.length + l.predictions.length + l.samples.length;
      if (run.end && !l.received.gap && !queued) this.live.delete(runId);
    }
    this.onChange();
  }

  /**
   * Continue storing a run that is still training (the page was reloaded mid-run) or that ended
   * unseen. Returns the stream index to replay it from: what the library holds goes before it.
   */
  async attach(runId: string): Promise<number> {
    const l = this.live.get(runId);
    if (l) return l.received.next;
    const run = await this.db.runs.get(runId);
    if (!run) return 0; // not stored at all: the replay brings its start
    const last = await this.db.events.where('[runId+seq]').between([runId, -Infinity], [runId, Infinity]).last();
    this.live.set(runId, { run, steps: new Map(), dirty: new Set(), events: [], seq: (last?.seq ?? -1) + 1, layout: layoutOf(run.start), predictions: [], samples: [], received: new Received(run.received ?? 0) });
    return run.received ?? 0;
  }

  /** What the library holds of a run it is storing, for a test that fails to say why. */
  debugState(runId: string) {
    const l = this.live.get(runId);
    return l ? { next: l.received.next, gap: l.received.gap, end: Boolean(l.run.end), status: l.run.status, queued: l.events.length } : null;
  }

  /** Whether events of this run are being stored (its start seen, or attached). */
  isStoring(runId: string): boolean {
    return this.live.has(runId);
  }

  /** The first stream index of this run missing from the library when later ones are held (a gap), else null. */
  gapFrom(runId: string): number | null {
    const l = this.live.get(runId);
    return l?.received.gap ? l.received.next : null;
  }

  /** Stops storing a run nothing more will come for (a replayed run that ended without its run-end). */
  async detach(runId: string) {
    await this.flush();
    this.live.delete(runId);
  }

  /**
   * Runs stored as training that this library is not storing now: they ended while no page was
   * open. Only runs whose events carry stream indices: an older log cannot be joined without
   * storing its events twice, and it gets no more events anyway.
   */
  async unfinished(): Promise<RunRecord[]> {
    return (await this.list()).filter((r) => !r.end && !this.live.has(r.id) && r.received !== undefined);
  }

  list(): Promise<RunRecord[]> {
    return this.db.runs.orderBy('createdAt').reverse().toArray();
  }

  /** A stored run, rebuilt into the same structure the live views use. */
  async open(runId: string): Promise<RunData | null> {
    // one read transaction: a write landing between the reads would store steps past the
    // `received` read here, and the live events taken in after it would add them again
    const read = await this.db.transaction('r', [this.db.runs, this.db.steps, this.db.events], async () => {
      const run = await this.db.runs.get(runId);
      if (!run) return null;
      const [steps, events] = await Promise.all([
        this.db.steps.where('[runId+step]').between([runId, -Infinity], [runId, Infinity]).toArray(),
        this.db.events.where('[runId+seq]').between([runId, -Infinity], [runId, Infinity]).toArray(),
      ]);
      return { run, steps, events };
    });
    if (!read) return null;
    const { run, steps, events } = read;
    const data = new RunData(runId);
    // Steps and collections go straight into the columns (records come sorted by step);
    // the few other events replay through the same path as live ones.
    data.ingest([run.start]);
    for (const s of steps) {
      if (!Number.isNaN(s.loss)) {
        data.steps.push(s.step); data.loss.push(s.loss); data.lr.push(s.lr);
        if (!data.firstStepAt) data.firstStepAt = s.t;
        data.lastStepAt = s.t;
      }
      if (s.c) data.addPacked(s.step, s.c);
    }
    data.ingest(events.map((e) => e.event).filter((e) => typeof e?.type === 'string')); // a damaged record is left out, not fatal
    const [predictions, samples] = await Promise.all([
      this.db.predictions.where('runId').equals(runId).toArray(),
      this.db.samples.where('runId').equals(runId).toArray(),
    ]);
    for (const p of predictions) data.addPredictions(p.header, p.f);
    for (const s of samples) data.samples[s.split] = s;
    data.received = new Received(run.received ?? 0);
    if (!run.end && !this.live.has(runId)) data.status = 'interrupted';
    return data;
  }

  /** Records that a run is a variant of another (made by a remedy); its row may not exist yet. */
  async setVariantOf(runId: string, variantOf: VariantOf) {
    this.variants.set(runId, variantOf);
    const l = this.live.get(runId);
    if (l) l.run.variantOf = variantOf;
    try {
      if (await this.db.runs.update(runId, { variantOf })) this.onChange();
    } catch (e) {
      this.onError(`the run library could not link ${runId} to ${variantOf.runId}: ${(e as Error).message}`);
    }
  }

  async rename(runId: string, title: string) {
    await this.db.runs.update(runId, { title });
    this.onChange();
  }

  async marks(runId: string): Promise<MarkRecord[]> {
    return this.db.marks.where('runId').equals(runId).toArray();
  }

  async setMark(m: Omit<MarkRecord, 't'> | { runId: string; split: MarkRecord['split']; index: number; mark: null }) {
    if (m.mark === null) await this.db.marks.delete([m.runId, m.split, m.index]);
    else await this.db.marks.put({ ...m, t: Date.now() });
  }

  /**
   * A sweep trial's earlier attempt, superseded when the trial started again (the host's
   * `run-superseded`): its run ends with the run-end its folder now has, which replaces the one
   * stored under the same stream index; or, with `end` null, the run goes, as its folder did (it
   * held no epoch). Without this, an attempt cut off with its host stayed "running" here for good.
   */
  async settleSuperseded(runId: string, end: RunEndEvent | null) {
    if (end === null) {
      await this.flush();
      this.live.delete(runId);
      if (await this.db.runs.get(runId)) await this.remove(runId);
      return;
    }
    const l = this.live.get(runId);
    if (l) {
      l.events.push({ runId, seq: end.i ?? l.seq++, event: end });
      l.run.status = end.status;
      l.run.end = end;
      this.schedule();
      return;
    }
    await this.flush();
    await this.db.transaction('rw', [this.db.runs, this.db.events], async () => {
      const run = await this.db.runs.get(runId);
      if (!run) return;
      const last = await this.db.events.where('[runId+seq]').between([runId, -Infinity], [runId, Infinity]).last();
      await this.db.events.put({ runId, seq: end.i ?? (last?.seq ?? -1) + 1, event: end });
      await this.db.runs.put({ ...run, status: end.status, end });
    });
    this.onChange();
  }

  async remove(runId: string) {
    await this.db.transaction('rw', [this.db.runs, this.db.steps, this.db.events, this.db.predictions, this.db.samples, this.db.marks], async () => {
      for (const t of [this.db.predictions, this.db.samples, this.db.marks]) await t.where('runId').equals(runId).delete();
      await this.db.runs.delete(runId);
      await this.db.steps.where('[runId+step]').between([runId, -Infinity], [runId, Infinity]).delete();
      await this.db.events.where('[runId+seq]').between([runId, -Infinity], [runId, Infinity]).delete();
    });
    this.onChange();
  }

  /**
   * Imports a run folder's event log (events.jsonl text), as the CLI wrote it. Every line is
   * checked as the engine's own events are at a process boundary; lines that are not events (a
   * torn last line after a crash, foreign content) are skipped and counted.
   */
  async importLog(text: string): Promise<{ runId: string; skipped: number; firstProblem: string | null }> {
    const events: RunEvent[] = [];
    let skipped = 0, firstProblem: string | null = null;
    text.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      let raw: unknown;
      try { raw = JSON.parse(line); } catch { raw = undefined; }
      const r = raw === undefined ? { ok: false as const, error: 'not JSON' } : parseEvent(raw);
      if (!r.ok) { skipped++; firstProblem ??= `line ${i + 1}: ${r.error}`; return; }
      // A file is foreign input: each payload is checked against its instrument's schema, and one
      // that does not match is dropped (the rest of the event stays) rather than misread.
      if (r.event.type === 'collection' || r.event.type === 'init') {
        for (const problem of dropInvalidPayloads(r.event.payloads)) firstProblem ??= `line ${i + 1}: ${problem}`;
      }
      events.push(r.event);
    });
    const start = events.find((e): e is RunStartEvent => e.type === 'run-start');
    if (!start) throw new Error(`events.jsonl: no run-start event: not a Trainscope run log${firstProblem ? ` (${firstProblem})` : ''}`);
    const runId = start.runId;
    this.ingest(runId, events);
    await this.flush();
    this.live.delete(runId); // a log without run-end stays interrupted: nothing more will come
    return { runId, skipped, firstProblem };
  }
}
