// A run as the views need it: columns of numbers per step, per epoch and per collection, built
// from engine events (live) or from the run library (reopened). Views read it; only ingest() and
// the library's loader write it. Each instrument keeps its own store, filled from packed
// numbers by the instrument itself: live and reopened runs go through the same path.
import { Received } from './received.ts';
import type { EpochEvent, RunEndEvent, RunEvent, RunStartEvent, RunStatus } from '../../../shared/events.ts';
import type { LayerInfo } from '../../../shared/layers.ts';
import { base64ToBytes, base64ToF32 } from '../../../shared/base64.ts';
import { unpackPredictions, type Predictions } from '../../../shared/instruments/predictions/packing.ts';
import type { PredictionSplit, PredictionsHeader } from '../../../shared/instruments/predictions/definition.ts';
import { readPayload } from '../../../shared/instruments/framework/define.ts';
import type { Finding } from '../../../shared/diagnosis/finding.ts';
import type { Diagnosis } from '../../../shared/diagnosis/diagnosis.ts';
import { layoutOf, type RunLayout } from '../instruments/framework/layout.ts';
import type { StoreKey } from '../instruments/framework/instrument.ts';
import { packCollection, rendererInstrument, unpackCollection, whyUnreadable, type PackedCollection } from '../instruments/framework/payloads.ts';
import { insertAt, insertIndex } from '../instruments/framework/f32.ts';
import { RATE_WINDOW, samplesPerSecond, type StepTime } from './throughput.ts';

export interface SplitSamples {
  n: number; shape: number[]; encoding: 'u8' | 'f32'; lo: number; hi: number; labels: ArrayLike<number>; data: Uint8Array;
  /** when these are a subset of their split (the data audit's training samples): each one's row in the data source, which names it in marks and exports */
  indices?: ArrayLike<number>;
}
export interface EpochPredictions { header: PredictionsHeader; p: Predictions }

/** A split a tool hands over: what renderer/src/tools/framework/tool.ts calls BrowsableSamples. */
export interface BrowsableSplit {
  split: 'train'; n: number; classes: number; accuracy: number; confusion: number[][];
  labelIssues: NonNullable<PredictionsHeader['labelIssues']>;
  indices: number[]; labels: number[]; shape: number[]; encoding: 'u8' | 'f32'; lo: number; hi: number; data: string; predictions: string; k: number;
  twins?: Record<'validation' | 'test', [number, number, number][]>;
}
/** A held-out sample's near twin in the training split (the data audit): its source row and the cosine similarity of their inputs. */
export interface NearTwin { trainRow: number; similarity: number }
export type Split = PredictionSplit;

export class RunData {
  samples: Partial<Record<Split, SplitSamples>> = {};
  /** per split, per epoch */
  predictions: Record<Split, Map<number, EpochPredictions>> = { validation: new Map(), test: new Map(), train: new Map() };
  /** held-out samples with a near twin in training, by position in their split, once the data audit has run */
  nearTwins: Partial<Record<Split, Map<number, NearTwin>>> = {};

  runId: string;
  start: RunStartEvent | null = null;
  end: RunEndEvent | null = null;
  status: RunStatus | 'interrupted' = 'running';
  steps: number[] = [];
  loss: number[] = [];
  lr: number[] = [];
  epochs: EpochEvent[] = [];
  test: Record<string, number> | null = null;
  /** steps with a collection, in order */
  collectionSteps: number[] = [];
  warnings: string[] = [];
  findings: Finding[] = [];
  /** the latest diagnosis: the cause, the groups and the vitals (null until the engine names one) */
  diagnosis: Diagnosis | null = null;
  /** wall-clock of the first and latest step, for samples/s and ETA */
  firstStepAt = 0;
  lastStepAt = 0;
  /** the latest live steps' times (at most RATE_WINDOW), for samples/s before an epoch has ended */
  recentSteps: StepTime[] = [];
  private layout: RunLayout | null = null;
  private stores = new Map<string, unknown>();
  private reported = new Set<string>();

  constructor(runId: string) {
    this.runId = runId;
  }

  get layerInfo(): LayerInfo[] { return this.start?.model.layers ?? []; }
  get totalSteps(): number { return this.start?.totalSteps ?? 0; }
  get backend(): string { return this.start?.backend.name ?? '?'; }

  /** An instrument's data for this run; null before the run's start is known. */
  store<S>(key: StoreKey<S>): S | null {
    let s = this.stores.get(key.id) as S | undefined;
    if (s === undefined && this.layout) {
      s = key.create(this.layout);
      this.stores.set(key.id, s);
    }
    return s ?? null;
  }

  /** the stream indices taken in: an event that comes again (a replay overlapping the live stream) is skipped */
  received = new Received();

  ingest(events: RunEvent[]) {
    for (const e of events) if (this.received.take(e.i)) this.ingestOne(e);
  }

  private warnOnce(message: string) {
    if (this.reported.has(message)) return;
    this.reported.add(message);
    this.warnings.push(message);
  }

  private ingestOne(e: RunEvent) {
    switch (e.type) {
      case 'run-start':
        this.start = e;
        this.layout = layoutOf(e);
        this.stores.clear();
        break;
      case 'step':
        // (a step already shown, e.g. read from the library and then replayed, is not added twice)
        if (this.steps.length && e.step <= this.steps[this.steps.length - 1]) break;
        this.steps.push(e.step);
        this.loss.push(e.loss);
        this.lr.push(e.lr);
        if (!this.firstStepAt) this.firstStepAt = e.t;
        this.lastStepAt = e.t;
        this.recentSteps.push({ step: e.step, epoch: e.epoch, t: e.t });
        if (this.recentSteps.length > RATE_WINDOW) this.recentSteps.shift();
        break;
      case 'collection':
        if (this.layout) {
          this.addPacked(e.step, packCollection(e, this.layout).packed);
        }
        break;
      case 'instrument': {
        const inst = rendererInstrument(e.instrument);
        const r = inst ? readPayload({ [e.instrument]: e.payload }, inst.definition) : null;
        const store = inst?.addRecord && inst.store ? this.store(inst.store) : null;
        if (inst?.addRecord && store && r?.status === 'ok') inst.addRecord(store, e, r.data);
        else if (r?.status === 'newer') this.warnOnce(`${e.instrument}: a record of a newer format (v${r.v}) this Trainscope cannot show`);
        else if (!inst) this.warnOnce(`${e.instrument}: a record of an instrument this Trainscope does not know`);
        // a known instrument's record before the run's start is known: nothing to show it in yet
        break;
      }
      case 'epoch':
        this.epochs.push(e);
        break;
      case 'status':
        this.status = e.status;
        break;
      case 'test':
        this.test = e.metrics;
        break;
      case 'warning':
        this.warnings.push(e.message);
        break;
      case 'finding':
        { // a finding is re-sent when a layer joins its group or its numbers grow: the latest wins
          const i = this.findings.findIndex((f) => f.id === e.finding.id);
          if (i >= 0) this.findings[i] = e.finding; else this.findings.push(e.finding);
        }
        break;
      case 'diagnosis':
        this.diagnosis = e.diagnosis;
        break;
      case 'predictions':
        if (e.data) this.addPredictions(e, base64ToF32(e.data));
        break;
      case 'samples':
        if (e.data) this.samples[e.split] = { n: e.n, shape: e.shape, encoding: e.encoding, lo: e.lo, hi: e.hi, labels: e.labels, data: base64ToBytes(e.data) };
        break;
      case 'run-end':
        this.end = e;
        this.status = e.status;
        break;
      default:
        break;
    }
  }

  /** One collection's packed numbers into each instrument's store (live, or from the run library). */
  addPacked(step: number, p: PackedCollection) {
    if (!this.layout) return;
    insertAt(this.collectionSteps, insertIndex(this.collectionSteps, step), step);
    for (const part of unpackCollection(p)) {
      if ('problem' in part) { this.warnOnce(part.problem); continue; }
      const store = part.inst.store ? this.store(part.inst.store) : null;
      if (store && part.inst.add) part.inst.add(store, step, part.f, this.layout);
    }
    for (const [id, payload] of Object.entries(p.raw ?? {})) this.warnOnce(whyUnreadable(id, payload));
  }

  addPredictions(header: PredictionsHeader, f: Float32Array) {
    this.predictions[header.split].set(header.epoch, { header, p: unpackPredictions(f, header.n, header.k) });
  }

  /**
   * Samples and predictions a tool found (the data audit's training samples, cross-validated), as
   * the `train` split: a subset of it, each sample keeping its own index. They replace any earlier
   * ones, and stay in memory only (running the tool again brings them back).
   */
  addBrowsable(b: BrowsableSplit) {
    const m = b.indices.length;
    this.samples[b.split] = { n: m, shape: b.shape, encoding: b.encoding, lo: b.lo, hi: b.hi, labels: b.labels, data: base64ToBytes(b.data), indices: b.indices };
    const perClass = b.confusion.map((row, c) => {
      const tp = row[c], support = row.reduce((a, v) => a + v, 0), predicted = b.confusion.reduce((a, r) => a + r[c], 0);
      return { precision: predicted ? tp / predicted : 0, recall: support ? tp / support : 0, accuracy: NaN, support };
    });
    const header: PredictionsHeader = {
      epoch: 0, split: b.split, n: m, total: b.n, classes: b.classes, k: b.k, task: 'multiclass', loss: NaN, accuracy: b.accuracy,
      confusion: b.confusion, perClass, labelIssues: b.labelIssues,
    };
    this.predictions[b.split] = new Map([[0, { header, p: unpackPredictions(base64ToF32(b.predictions), m, b.k) }]]);
    for (const sp of ['validation', 'test'] as const) {
      if (b.twins) this.nearTwins[sp] = new Map(b.twins[sp].map(([i, trainRow, similarity]) => [i, { trainRow, similarity }]));
    }
  }

  /** The latest epoch's metrics, or the run's final ones. */
  get latest() {
    const e = this.epochs[this.epochs.length - 1];
    return {
      train: this.end?.final.train ?? e?.train ?? null,
      validation: this.end?.final.validation ?? e?.validation ?? null,
      test: this.end?.final.test ?? this.test,
    };
  }

  get samplesPerSec(): number {
    const s = this.start;
    return samplesPerSecond({
      ended: this.end !== null || this.status === 'interrupted', recent: this.recentSteps,
      shape: s ? { batchSize: s.spec.training.batchSize, trainSamples: s.data.train, stepsPerEpoch: s.stepsPerEpoch } : null,
      epochRate: this.epochs[this.epochs.length - 1]?.samplesPerSec,
      steps: this.steps.length, firstStepAt: this.firstStepAt, lastStepAt: this.lastStepAt,
    });
  }

  /** Milliseconds left, from the pace so far. */
  get etaMs(): number {
    const done = this.steps.length;
    if (done < 2 || !this.totalSteps || this.end) return 0;
    return ((this.lastStepAt - this.firstStepAt) / (done - 1)) * (this.totalSteps - done);
  }
}

/** Exponential moving average, as TensorBoard's smoothing slider (debiased). */
export function smooth(values: number[], weight: number): number[] {
  if (weight <= 0) return values;
  const out: number[] = new Array(values.length);
  let last = 0, n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) { out[i] = v; continue; }
    last = last * weight + (1 - weight) * v;
    n++;
    out[i] = last / (1 - weight ** n);
  }
  return out;
}
