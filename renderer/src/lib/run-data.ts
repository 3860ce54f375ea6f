// A run as the views need it: columns of numbers per step, per epoch and per collection, built
// from engine events (live) or from the run library (reopened). Views read it; only ingest()
// and the loaders write it. `version` increases on every change so views redraw on demand.
import type { CollectionEvent, EpochEvent, LayerInfo, RunEndEvent, RunEvent, RunStartEvent, RunStatus } from '../../../shared/events.ts';
import { ACT_FIELD, GRAD_FIELD, ROW, WTS_FIELD, sections, type PackedCollection, type PackLayout } from '../store/pack.ts';
import { base64ToBytes, base64ToF32, unpackPredictions, type Predictions, type PredictionsHeader } from '../../../shared/instruments/predictions.ts';
import type { Finding } from '../../../shared/instruments/diagnosis.ts';

export interface LayerSeries {
  /** per collection */
  satFrac: number[];
  deadFrac: number[];
  mean: number[];
  std: number[];
  min: number[];
  max: number[];
  /** L2 norm of the layer's gradients (all its variables together) */
  gradNorm: number[];
  /** update ratio |dW|/|W| of the layer's kernel (first variable); NaN where undefined */
  updateRatio: number[];
  /** per collection: per recorded unit saturated fraction, and dead flags */
  unitSat: Float32Array[];
  unitDead: Uint8Array[];
  /** per collection: activation histogram */
  hist: { lo: number; hi: number; counts: ArrayLike<number> }[];
  /** per collection: histogram of the layer's kernel (first variable) after the update; none for layers without weights */
  weightHist: ({ lo: number; hi: number; counts: ArrayLike<number> } | null)[];
}

export interface SplitSamples { n: number; shape: number[]; encoding: 'u8' | 'f32'; lo: number; hi: number; labels: ArrayLike<number>; data: Uint8Array }
export interface EpochPredictions { header: PredictionsHeader; p: Predictions }
export type Split = 'validation' | 'test';

export class RunData {
  samples: Partial<Record<Split, SplitSamples>> = {};
  /** per split, per epoch */
  predictions: Record<Split, Map<number, EpochPredictions>> = { validation: new Map(), test: new Map() };

  version = 0;
  runId: string;
  start: RunStartEvent | null = null;
  end: RunEndEvent | null = null;
  status: RunStatus | 'interrupted' = 'running';
  steps: number[] = [];
  loss: number[] = [];
  lr: number[] = [];
  epochs: EpochEvent[] = [];
  test: Record<string, number> | null = null;
  collectionSteps: number[] = [];
  globalNorm: number[] = [];
  globalNormClipped: number[] = [];
  layers: LayerSeries[] = [];
  warnings: string[] = [];
  findings: Finding[] = [];
  /** wall-clock of the first and latest step, for samples/s and ETA */
  firstStepAt = 0;
  lastStepAt = 0;

  constructor(runId: string) {
    this.runId = runId;
  }

  get layerInfo(): LayerInfo[] { return this.start?.model.layers ?? []; }
  get totalSteps(): number { return this.start?.totalSteps ?? 0; }
  get backend(): string { return this.start?.backend.name ?? '?'; }

  ingest(events: RunEvent[]) {
    for (const e of events) this.ingestOne(e);
    this.version++;
  }

  private ingestOne(e: RunEvent) {
    switch (e.type) {
      case 'run-start':
        this.start = e;
        this.layers = e.model.layers.map(() => emptySeries());
        break;
      case 'step':
        this.steps.push(e.step);
        this.loss.push(e.loss);
        this.lr.push(e.lr);
        if (!this.firstStepAt) this.firstStepAt = e.t;
        this.lastStepAt = e.t;
        break;
      case 'collection':
        this.addCollection(e);
        break;
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
        if (!this.findings.some((f) => f.id === e.finding.id)) this.findings.push(e.finding);
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

  private addCollection(c: CollectionEvent) {
    // Collections can arrive out of step order (they are reduced off the training thread).
    let at = this.collectionSteps.length;
    while (at > 0 && this.collectionSteps[at - 1] > c.step) at--;
    const put = <T>(a: T[], v: T) => { a.splice(at, 0, v); };
    put(this.collectionSteps, c.step);
    put(this.globalNorm, c.gradients.globalNorm);
    put(this.globalNormClipped, c.gradients.globalNormClipped);
    const byLayer = new Map<string, { sq: number; ratio: number | null; hist: LayerSeries['hist'][number] | null }>();
    for (const v of c.gradients.variables) {
      const b = byLayer.get(v.layer) ?? { sq: 0, ratio: null, hist: null };
      b.sq += v.norm * v.norm;
      byLayer.set(v.layer, b);
    }
    for (const w of c.weights.variables) {
      const b = byLayer.get(w.layer);
      if (b && b.hist === null && w.variable.endsWith('kernel')) { b.ratio = w.updateRatio; b.hist = w.hist; }
    }
    c.activations.layers.forEach((a, i) => {
      const s = this.layers[i];
      if (!s) return;
      put(s.satFrac, a.saturatedFrac);
      put(s.deadFrac, a.deadFrac);
      put(s.mean, a.mean);
      put(s.std, a.std);
      put(s.min, a.min);
      put(s.max, a.max);
      const g = byLayer.get(a.layer);
      put(s.gradNorm, g ? Math.sqrt(g.sq) : NaN);
      put(s.updateRatio, g?.ratio ?? NaN);
      put(s.unitSat, Float32Array.from(a.unitSaturated));
      put(s.unitDead, Uint8Array.from(a.unitDead));
      put(s.hist, a.hist);
      put(s.weightHist, g?.hist ?? null);
    });
  }

  /**
   * Collections straight from the run library's packed records, in step order, without
   * rebuilding event objects: a run of a million numbers opens in a fraction of a second.
   * Per-unit arrays and histograms stay views on the stored typed arrays.
   */
  addPacked(step: number, p: PackedCollection, layout: PackLayout) {
    this.collectionSteps.push(step);
    this.globalNorm.push(p.globalNorm);
    this.globalNormClipped.push(p.globalNormClipped);
    const bins = layout.bins, f = p.f;
    const S = sections(layout.layers.length, layout.variables.length, bins, p.dead.length);
    const sq = new Float64Array(this.layers.length);
    const ratio = new Float64Array(this.layers.length).fill(NaN);
    const kernel = new Int32Array(this.layers.length).fill(-1);
    const hasVars = new Uint8Array(this.layers.length);
    const layerIndex = this.layerIndex ??= new Map(layout.layers.map((l, i) => [l.name, i]));
    layout.variables.forEach((v, k) => {
      const i = layerIndex.get(v.layer);
      if (i === undefined) return;
      const n = f[S.grad + k * ROW + GRAD_FIELD.norm];
      sq[i] += n * n;
      hasVars[i] = 1;
      if (kernel[i] < 0 && v.name.endsWith('kernel')) { kernel[i] = k; ratio[i] = f[S.wts + k * ROW + WTS_FIELD.updateRatio]; }
    });
    let u = 0;
    layout.layers.forEach((l, i) => {
      const s = this.layers[i];
      const o = S.act + i * ROW;
      s.mean.push(f[o + ACT_FIELD.mean]);
      s.std.push(f[o + ACT_FIELD.std]);
      s.min.push(f[o + ACT_FIELD.min]);
      s.max.push(f[o + ACT_FIELD.max]);
      s.satFrac.push(f[o + ACT_FIELD.saturatedFrac]);
      s.deadFrac.push(f[o + ACT_FIELD.deadFrac]);
      s.gradNorm.push(hasVars[i] ? Math.sqrt(sq[i]) : NaN);
      s.updateRatio.push(ratio[i]);
      const n = Math.min(l.units, p.dead.length - u);
      s.unitSat.push(f.subarray(S.unitSat + u, S.unitSat + u + n));
      s.unitDead.push(p.dead.subarray(u, u + n));
      u += n;
      const h = S.actHist + i * S.h;
      s.hist.push({ lo: f[h], hi: f[h + 1], counts: f.subarray(h + 2, h + 2 + bins) });
      const w = S.wtsHist + kernel[i] * S.h;
      s.weightHist.push(kernel[i] < 0 ? null : { lo: f[w], hi: f[w + 1], counts: f.subarray(w + 2, w + 2 + bins) });
    });
  }

  addPredictions(header: PredictionsHeader, f: Float32Array) {
    this.predictions[header.split].set(header.epoch, { header, p: unpackPredictions(f, header.n, header.k) });
  }

  private layerIndex: Map<string, number> | undefined;

  /** Call after addPacked / direct loads so views redraw. */
  touch() { this.version++; }

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
    const e = this.epochs[this.epochs.length - 1];
    return e?.samplesPerSec ?? 0;
  }

  /** Milliseconds left, from the pace so far. */
  get etaMs(): number {
    const done = this.steps.length;
    if (done < 2 || !this.totalSteps || this.end) return 0;
    return ((this.lastStepAt - this.firstStepAt) / (done - 1)) * (this.totalSteps - done);
  }
}

function emptySeries(): LayerSeries {
  return { satFrac: [], deadFrac: [], mean: [], std: [], min: [], max: [], gradNorm: [], updateRatio: [], unitSat: [], unitDead: [], hist: [], weightHist: [] };
}

/** The heatmap value of a layer: saturated fraction for squashing units, dead fraction for the ReLU family. */
export function heatValue(layer: LayerInfo, s: LayerSeries, k: number): number | null {
  if (layer.unitKind === 'sigmoid' || layer.unitKind === 'tanh') return s.satFrac[k];
  if (layer.unitKind === 'relu' || layer.unitKind === 'relu_family') return s.deadFrac[k];
  return null;
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
