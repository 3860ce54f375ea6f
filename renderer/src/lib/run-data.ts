// A run as the views need it: columns of numbers per step, per epoch and per collection, built
// from engine events (live) or from the run library (reopened). Views read it; only ingest()
// and the loaders write it. `version` increases on every change so views redraw on demand.
import type { CollectionEvent, EpochEvent, LayerInfo, RunEndEvent, RunEvent, RunStartEvent, RunStatus } from '../../../shared/events.ts';

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
  hist: { lo: number; hi: number; counts: number[] }[];
}

export class RunData {
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
    const byLayer = new Map<string, { sq: number; ratio: number | null }>();
    for (const v of c.gradients.variables) {
      const b = byLayer.get(v.layer) ?? { sq: 0, ratio: null };
      b.sq += v.norm * v.norm;
      byLayer.set(v.layer, b);
    }
    for (const w of c.weights.variables) {
      const b = byLayer.get(w.layer);
      if (b && b.ratio === null && w.variable.endsWith('kernel')) b.ratio = w.updateRatio;
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
    });
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
  return { satFrac: [], deadFrac: [], mean: [], std: [], min: [], max: [], gradNorm: [], updateRatio: [], unitSat: [], unitDead: [], hist: [] };
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
