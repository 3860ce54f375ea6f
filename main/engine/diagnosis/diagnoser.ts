// The checks. A Diagnoser reads a run's events in order (live from the trainer, or replayed from a
// run folder) and keeps one finding per kind, listing the layers it affects with each layer's
// numbers; a finding is re-sent when a layer joins it or its numbers move. From the findings and
// when they appeared it names the most likely cause (causes.ts), and it says when a run has
// diverged. It only reads what the instruments already computed, so it adds nothing measurable to
// a training step.
import type { CollectionEvent, EpochEvent, InitEvent, RunEvent, RunStartEvent } from '../../../shared/events.ts';
import type { DiagnosisSpec } from '../../../shared/spec.ts';
import type { Finding, FindingKind, FixId, LayerEvidence, Metric, MetricId, Remedy, Severity } from '../../../shared/diagnosis/finding.ts';
import type { Diagnosis, Vitals } from '../../../shared/diagnosis/diagnosis.ts';
import { canDie, canSaturate, initializerFamily, initializerFor, isKernel, isWeightedLayer, layerName, type LayerInfo } from '../../../shared/layers.ts';
import { payloadData } from '../../../shared/instruments/framework/define.ts';
import { activations, type LayerActivationStats } from '../../../shared/instruments/activations/definition.ts';
import { gradients } from '../../../shared/instruments/gradients/definition.ts';
import { weights } from '../../../shared/instruments/weights/definition.ts';
import { outputMismatch } from '../model/output-check.ts';
import { initialLossOk } from './expected-loss.ts';
import { fmt, median, pct } from './format.ts';
import { applicable, R } from './remedies.ts';
import { Tracks, thin } from './tracks.ts';
import { nameCause, type RunFacts } from './causes.ts';

/** Index of the first layer of the output: the last weighted layer (and the activation layers after it). */
function outputStart(layers: LayerInfo[]): number {
  for (let i = layers.length - 1; i >= 0; i--) if (layers[i].variables.length > 0 && isWeightedLayer(layers[i].className)) return i;
  return layers.length;
}

/** Weighted layers (dense, conv) in order: where gradients and update ratios are read. */
function weighted(layers: LayerInfo[]) {
  return layers.filter((l) => l.variables.length > 0 && isWeightedLayer(l.className));
}

const metric = (id: MetricId, label: string, format: Metric['format'], better: Metric['better'], threshold: number | null): Metric => ({ id, label, format, better, threshold });

/** How a layer-level group words itself: its title from the worst layer, a line per layer. */
interface LayerGroup {
  /** a fixed severity, or one that depends on the layers in the group */
  severity: Severity | ((evs: LayerEvidence[]) => Severity);
  metric: Metric;
  source: Finding['source'];
  explanation: string;
  remedies: Remedy[];
  title: (worst: LayerEvidence, others: number) => string;
  line: (ev: LayerEvidence) => string;
}

/** The smoothed loss must stay this many steps above its best before the run counts as diverging. */
const DIVERGE_STEPS = 30;


/** Fixes that act through the initialisation: nothing to a layer whose weights were imported. */
const INIT_FIXES = new Set<FixId>(['he_init', 'glorot_init', 'lecun_init', 'zero_bias']);
export class Diagnoser {
  /** one per kind (non_finite: one per tensor), in the order first seen; the latest state of each */
  readonly findings: Finding[] = [];
  diagnosis: Diagnosis = { cause: null, groups: [], vitals: null };
  /** set once the run has diverged: large updates and a loss that never fell below where it started */
  diverged: { step: number; reason: string } | null = null;

  private start: RunStartEvent | null = null;
  private t: DiagnosisSpec | null = null;
  private baseRemedies = new Map<string, Remedy[]>();
  private perLayer = new Map<FindingKind, Map<string, LayerEvidence>>();
  private groupSpecs = new Map<FindingKind, LayerGroup>();
  private tracks = new Tracks();
  private streak = new Map<string, number>();
  private lastStep = -1;
  private lastEpoch = 0;
  private epochs: EpochEvent[] = [];
  private firstNorm: number | null = null;
  /** smoothed step loss (EMA over ~20 steps), its lowest value so far and its value at step 20 */
  private ema = NaN;
  private emaMin = Infinity;
  private emaStart = NaN;
  private risingFor = 0;
  private facts: RunFacts | null = null;
  private vitals: Vitals = { step: 0, layers: {}, model: {} };
  private lastSent = '';

  constructor(
    private readonly onFinding: (f: Finding) => void = () => {},
    private readonly onDiagnosis: (d: Diagnosis, step: number) => void = () => {},
  ) {}

  // ------------------------------------------------------------------ intake

  ingest(e: RunEvent) {
    if (e.type === 'run-start') { this.onStart(e); this.update(); return; }
    if (!this.t || !this.t.enabled) return;
    switch (e.type) {
      case 'init': this.onInit(e); this.update(); break;
      case 'step': this.onStep(e.step, e.epoch, e.loss, e.lr); break;
      case 'non-finite':
        this.report('non_finite', 'loss', {
          severity: 'error', title: `The loss became ${e.value ?? NaN}`, layers: [], tensor: 'loss', step: e.step, epoch: e.epoch,
          evidence: [`loss ${e.value ?? NaN} at step ${e.step}`],
          explanation: 'Training produced NaN or Inf. Usually the learning rate is too high or gradients exploded; sometimes the data holds NaN, or a log/division sees zero.',
          remedies: [R.lower, R.clip, R.bn], source: 'run',
        });
        this.update();
        break;
      case 'collection': this.onCollection(e); this.update(); break;
      case 'epoch': this.onEpoch(e); this.refreshSeries(); this.update(true); break;
      case 'run-end': this.finish(); break;
      default: break;
    }
  }

  /** The run is over: the last series and the final diagnosis, with the vitals, are sent (once). */
  finish() {
    if (this.finished || !this.t?.enabled) return;
    this.finished = true;
    this.checkDiverged(this.lastStep, true);
    this.refreshSeries();
    this.update(true);
  }
  private finished = false;

  // ------------------------------------------------------------------ reporting

  private byId(id: string) { return this.findings.find((f) => f.id === id); }

  /** The data checks made before training: held-out samples that repeat training ones, identical inputs with different labels, a feature that gives the label away. */
  private dataAudit(d: RunStartEvent['data']) {
    const a = d.audit!;
    const pct = (v: number) => `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%`;
    const held = ([['validation', a.validationInTrain, d.validation], ['test', a.testInTrain, d.test]] as const).filter(([, k, n]) => k > 0 && n > 0);
    if (held.length) {
      const [split, k, n] = held.reduce((w, h) => (h[1] / h[2] > w[1] / w[2] ? h : w));
      this.report('data_overlap', 'data', {
        // (a few repeats in a large split change its scores by less than their noise: information then)
        severity: k / n >= 0.01 ? 'warning' : 'info', title: `${pct(k / n)} of the ${split} set (${k.toLocaleString('en')} of ${n.toLocaleString('en')}) repeats training samples`, layers: [], step: -1,
        metric: metric('held_out_in_train', 'share of a held-out split identical to training samples', 'pct', 'low', 0.01), value: k / n,
        evidence: held.map(([s, kk, nn]) => `${kk.toLocaleString('en')} of the ${nn.toLocaleString('en')} ${s} samples are identical to a training sample`),
        explanation: 'A held-out sample identical to a training sample tests memory, not generalisation: held-out scores overstate how the model does on new data, and a suspiciously high accuracy is often the sign.',
        remedies: [{ text: 'Remove the held-out samples that repeat training ones, or remove duplicates before splitting the data.' }], source: 'setup',
      });
    }
    if (a.conflictingLabels > 0) {
      this.report('conflicting_labels', 'data', {
        severity: 'warning', title: `${a.conflictingLabels.toLocaleString('en')} group(s) of identical inputs carry different labels`, layers: [], step: -1,
        evidence: [`${a.conflictingLabels.toLocaleString('en')} group(s) of identical inputs with more than one label across the splits${a.duplicateTrain ? `; ${a.duplicateTrain.toLocaleString('en')} training sample(s) repeat an earlier one` : ''}`],
        explanation: 'One input cannot have two right answers: in each group at least one label is wrong, or the inputs lack what decides the class. No model fits both, so their loss never reaches zero.',
        remedies: [{ text: 'Find the repeated inputs in the data and fix or drop the wrong labels; Audit data ranks the training labels that look wrong.' }], source: 'setup',
      });
    }
    if (a.leaks.length) {
      const top = a.leaks[0];
      const named = (l: typeof top) => (l.name !== undefined ? `column "${l.name}"` : `feature ${l.feature}`);
      this.report('label_leak', 'data', {
        severity: 'warning', title: `${named(top).replace(/^./, (c) => c.toUpperCase())} alone predicts the label (${pct(top.accuracy)} against ${pct(top.baseRate)} by guessing the largest class)`, layers: [], step: -1,
        evidence: a.leaks.slice(0, 5).map((l) => `${named(l)}: its value alone gives the label for ${pct(l.accuracy)} of the training samples (leave-one-out), the largest class ${pct(l.baseRate)}`),
        explanation: 'Real data rarely has one feature this decisive. A column derived from the label (an id sorted by class, a recoded label, a value filled in after the outcome) lets the model score without learning the task, and it will fail where that column is not there.',
        remedies: [{ text: 'Check how the feature is made; drop it if it is known only together with the label.' }], source: 'setup',
      });
    }
  }

  /**
   * A held-out split whose class mix is not training's: classes it lacks go unmeasured, classes
   * training lacks can never be predicted, and a shifted mix makes its accuracy a different
   * average than training's. The shift must stand clear of what sampling alone gives a split of
   * its size (three times the expected total-variation distance, and at least 0.15).
   */
  private classMix(d: RunStartEvent['data']) {
    const train = d.classCounts;
    const held = d.audit?.heldOutClasses;
    if (!train || !held) return;
    const names = d.classNames ?? train.map((_, i) => String(i));
    const nTrain = train.reduce((a, b) => a + b, 0);
    const pct = (v: number) => `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%`;
    const evidence: string[] = [];
    let unseen = false, worst = 0;
    for (const split of ['validation', 'test'] as const) {
      const counts = held[split];
      const n = counts?.reduce((a, b) => a + b, 0) ?? 0;
      if (!counts || !nTrain) continue;
      const never = counts.flatMap((c, k) => (c > 0 && train[k] === 0 ? [names[k]] : []));
      if (never.length) { unseen = true; evidence.push(`${split}: class${never.length > 1 ? 'es' : ''} ${never.join(', ')} never appear${never.length > 1 ? '' : 's'} in training`); }
      // (too few samples to say anything about a mix: sampling alone moves a small split's shares a lot)
      if (n < Math.max(50, 10 * counts.length)) continue;
      const p = train.map((c) => c / nTrain), q = counts.map((c) => c / n);
      const tv = 0.5 * p.reduce((a, pk, k) => a + Math.abs(pk - q[k]), 0);
      const noise = 0.5 * p.reduce((a, pk) => a + Math.sqrt((2 * pk * (1 - pk)) / (Math.PI * n)), 0);
      if (tv < Math.max(0.15, 3 * noise)) continue;
      worst = Math.max(worst, tv);
      const k = p.reduce((b, _, j) => (Math.abs(p[j] - q[j]) > Math.abs(p[b] - q[b]) ? j : b), 0);
      const missing = counts.flatMap((c, j) => (c === 0 && train[j] > 0 ? [names[j]] : []));
      evidence.push(`${split}: the class mix is ${pct(tv)} away from training's (total variation); class ${names[k]} is ${pct(q[k])} of it and ${pct(p[k])} of training${missing.length ? `; no samples of ${missing.join(', ')}` : ''}`);
    }
    if (!evidence.length) return;
    this.report('split_class_mix', 'data', {
      severity: unseen ? 'warning' : 'info', title: unseen ? 'Held-out samples belong to classes training never shows' : `A held-out split's class mix differs from training's (${pct(worst)} apart)`, layers: [], step: -1,
      evidence,
      explanation: unseen
        ? 'A class the model never trained on cannot be predicted: every held-out sample of it counts as an error, whatever the model learns.'
        : 'Held-out accuracy averages over the held-out class mix: when it differs from training\'s, the two accuracies are not comparable, and a gap between them can come from the mix, not from overfitting.',
      remedies: [{ text: 'Split the data by class (stratified), or check that the held-out source is drawn like the training data; compare per-class recall in Misclassified rather than overall accuracy.' }], source: 'setup',
    });
  }

  /** Reports a run- or model-level finding once per kind (`key` keeps non_finite per tensor). */
  private report(kind: FindingKind, key: string, f: Omit<Finding, 'id' | 'kind' | 'step' | 'epoch'> & { step?: number; epoch?: number }) {
    const id = kind === 'non_finite' ? `${kind}:${key}` : kind;
    if (kind === 'non_finite' ? this.findings.some((x) => x.kind === 'non_finite') : this.byId(id)) return;
    this.baseRemedies.set(id, f.remedies);
    const finding: Finding = { id, kind, step: f.step ?? this.lastStep, epoch: f.epoch ?? this.lastEpoch, ...f, remedies: this.remediesFor(f.remedies, f) };
    this.findings.push(finding);
    this.onFinding(finding);
  }

  /** Adds evidence to a finding already reported (a second trigger of the same kind). */
  private addEvidence(kind: FindingKind, line: string) {
    const f = this.byId(kind);
    if (!f || f.evidence.includes(line)) return;
    f.evidence.push(line);
    this.onFinding(f);
  }

  /** Adds a layer to its kind's group (created on its first layer); later values of a known layer keep the worst. */
  private layerFinding(kind: FindingKind, layer: string, value: number, step: number, epoch: number, spec: LayerGroup) {
    let layers = this.perLayer.get(kind);
    if (!layers) { layers = new Map(); this.perLayer.set(kind, layers); this.groupSpecs.set(kind, spec); }
    if (layers.has(layer)) return;
    layers.set(layer, { layer, value, step, series: [], seriesSteps: [] });
    this.fillSeries(kind);
    const built = this.buildGroup(kind, step, epoch);
    const i = this.findings.findIndex((f) => f.id === kind);
    if (i >= 0) this.findings[i] = built; else this.findings.push(built);
    this.onFinding(built);
  }

  private buildGroup(kind: FindingKind, step: number, epoch: number): Finding {
    const spec = this.groupSpecs.get(kind)!;
    const evs = [...this.perLayer.get(kind)!.values()];
    const worse = (a: LayerEvidence, b: LayerEvidence) => (spec.metric.better === 'high' ? b.value < a.value : b.value > a.value);
    const worst = evs.reduce((a, b) => (worse(a, b) ? b : a));
    const prev = this.byId(kind);
    this.baseRemedies.set(kind, spec.remedies);
    const layers = evs.map((e) => e.layer);
    return {
      id: kind, kind, severity: typeof spec.severity === 'function' ? spec.severity(evs) : spec.severity, title: spec.title(worst, evs.length - 1), layers,
      step: prev?.step ?? step, epoch: prev?.epoch ?? epoch, metric: spec.metric, value: worst.value, perLayer: evs,
      evidence: [spec.line(worst), ...evs.filter((e) => e !== worst).map(spec.line)],
      explanation: spec.explanation, remedies: this.remediesFor(spec.remedies, { layers }), source: spec.source,
    };
  }

  /** Each layer's sparkline: its metric at every collection so far. */
  private fillSeries(kind: FindingKind) {
    const spec = this.groupSpecs.get(kind)!;
    for (const ev of this.perLayer.get(kind)!.values()) {
      const tr = this.tracks.get(spec.metric.id, ev.layer);
      if (!tr) continue;
      const th = thin(tr);
      ev.series = th.values;
      ev.seriesSteps = th.steps;
    }
  }

  /** At an epoch's end: groups whose layers' series moved are re-sent. */
  private refreshSeries() {
    for (const kind of this.perLayer.keys()) {
      const before = JSON.stringify([...this.perLayer.get(kind)!.values()].map((e) => e.seriesSteps.at(-1)));
      this.fillSeries(kind);
      if (JSON.stringify([...this.perLayer.get(kind)!.values()].map((e) => e.seriesSteps.at(-1))) === before) continue;
      const i = this.findings.findIndex((f) => f.id === kind);
      this.findings[i] = this.buildGroup(kind, this.lastStep, this.lastEpoch);
      this.onFinding(this.findings[i]);
    }
  }

  /** true once `key` has held for `patience` consecutive observations */
  private persists(key: string, holds: boolean): boolean {
    const n = holds ? (this.streak.get(key) ?? 0) + 1 : 0;
    this.streak.set(key, n);
    return n >= this.t!.patience;
  }

  // ------------------------------------------------------------------ the rules that keep advice honest

  private get lrTooHighEver(): boolean {
    return this.facts?.tooHighStep != null || this.findings.some((f) => f.kind === 'lr_too_high' || f.kind === 'exploding_gradients');
  }
  private get updatesExplained(): boolean {
    return (this.facts?.deadAtInit.size ?? 0) > 0 || this.findings.some((f) => f.kind === 'dead_units' || f.kind === 'saturated_units' || f.kind === 'vanishing_gradients' || f.kind === 'output_loss_mismatch');
  }
  private remediesFor(base: readonly Remedy[], finding: Pick<Finding, 'layers'> | undefined): Remedy[] {
    if (!this.start) return [...base];
    // A layer with imported weights was not initialised here: changing its initialiser or its
    // starting bias changes nothing (the file's weights overwrite them), so it is not offered.
    const imported = finding?.layers.length && finding.layers.every((l) => this.pretrained.has(l));
    const offered = imported ? base.filter((r) => !r.fix || !INIT_FIXES.has(r.fix)) : base;
    return applicable(offered, finding?.layers.length ? finding : undefined, {
      spec: this.start.spec, lrTooHighEver: this.lrTooHighEver, updatesExplained: this.updatesExplained, cause: this.diagnosis.cause?.kind ?? null,
    });
  }

  /** Names the cause, re-filters every finding's remedies against what the run has shown, and sends what changed. */
  private update(withVitals = false) {
    if (!this.start || !this.facts || !this.t?.enabled) return;
    const named = nameCause(this.findings, this.facts);
    this.diagnosis = { ...this.diagnosis, cause: named.cause };
    for (let i = 0; i < this.findings.length; i++) {
      const f = this.findings[i];
      const remedies = this.remediesFor(this.baseRemedies.get(f.id) ?? f.remedies, f);
      if (JSON.stringify(remedies) !== JSON.stringify(f.remedies)) { this.findings[i] = { ...f, remedies }; this.onFinding(this.findings[i]); }
    }
    const cause = named.cause && { ...named.cause, remedies: this.remediesFor(named.cause.remedies, named.cause.layers.length ? { layers: named.cause.layers } : undefined) };
    const key = JSON.stringify([cause, named.groups]);
    this.diagnosis = { cause, groups: named.groups, vitals: structuredClone(this.vitals) };
    if (key === this.lastSent && !withVitals) return;
    this.lastSent = key;
    this.onDiagnosis(this.diagnosis, this.lastStep);
  }

  // ------------------------------------------------------------------ the checks

  /** A loss that climbs back well above its best (smoothed) and stays there is diverging: the steps are too large. */
  private onStep(step: number, epoch: number, loss: number, lr: number) {
    this.lastStep = step;
    this.lastEpoch = epoch;
    if (Number.isFinite(lr) && this.lrSteps.at(-1)?.[1] !== lr) this.lrSteps.push([step, lr]);
    if (!Number.isFinite(loss)) return;
    this.ema = Number.isNaN(this.ema) ? loss : 0.95 * this.ema + 0.05 * loss;
    this.emaMinSinceRatio = Math.min(this.emaMinSinceRatio, this.ema);
    this.vitals.model.loss = this.ema;
    if (step < 20) return; // the average needs ~20 steps to mean anything
    if (Number.isNaN(this.emaStart)) this.emaStart = this.ema;
    this.emaMin = Math.min(this.emaMin, this.ema);
    // (risen well above its best, and back near where it started: noise on a falling loss is not divergence)
    const rising = this.ema > 1.5 * this.emaMin + 0.05 && this.ema > 0.5 * this.emaStart;
    this.risingFor = rising ? this.risingFor + 1 : 0;
    if (step >= 50 && this.risingFor >= DIVERGE_STEPS) {
      const line = `smoothed training loss rose from ${fmt(this.emaMin)} to ${fmt(this.ema)} and stayed up for ${DIVERGE_STEPS} steps`;
      this.noteTooHigh(step);
      if (this.byId('lr_too_high')) this.addEvidence('lr_too_high', line);
      else this.report('lr_too_high', 'updates', {
        severity: 'warning', title: `The loss is diverging: it rose from ${fmt(this.emaMin)} to ${fmt(this.ema)}`, layers: [], step, epoch,
        metric: metric('loss', 'smoothed training loss', 'num', 'low', null), value: this.ema,
        evidence: [line], explanation: 'Steps overshoot the minimum: the loss climbs back up or oscillates instead of settling.',
        remedies: [R.lower, R.clip, R.schedule], source: 'run',
      });
      this.update();
    }
    this.checkDiverged(step);
  }

  /** the learning rate a step used (what a schedule made of the spec's rate) */
  private lrAt(step: number): number {
    let lr = this.start?.spec.training.optimizer.learningRate ?? NaN;
    for (const [s, v] of this.lrSteps) { if (s > step) break; lr = v; }
    return lr;
  }
  private lrSteps: [number, number][] = [];

  /** A rate a schedule moved far from the spec's is the schedule's doing: a constant rate comes first. */
  private rateRemedies(step: number, which: 'high' | 'low'): Remedy[] {
    const base = this.start!.spec.training.optimizer.learningRate;
    const used = this.lrAt(step);
    const scheduled = (this.start!.spec.training.schedule?.type ?? 'constant') !== 'constant';
    if (which === 'high') return scheduled && used > 1.5 * base ? [R.constant, R.lower, R.clip] : [R.lower, R.clip, R.schedule];
    return scheduled && used < 0.1 * base ? [R.constant] : [R.raise, R.adam];
  }

  /** The loss has fallen well below where it started: the run is learning, whatever a ratio says. */
  private get learningWell(): boolean {
    const ref = this.facts?.initialLoss ?? this.emaStart;
    return Number.isFinite(ref) && Number.isFinite(this.ema) && this.lastStep >= 20 && this.ema < 0.5 * ref;
  }

  private noteTooHigh(step: number) {
    if (this.facts && this.facts.tooHighStep === null) this.facts.tooHighStep = step;
  }

  /**
   * Diverged: an update larger than the weights themselves, and in the steps since, the smoothed
   * loss never got below 90% of where it started. Such a run is not learning and will not start to.
   */
  private checkDiverged(step: number, atEnd = false) {
    if (this.start && !this.start.spec.training.stopOnDivergence) return;
    const x = this.facts;
    if (!x || this.diverged || !x.maxRatio || x.maxRatio.value <= 1 || Number.isNaN(this.ema)) return;
    const ref = x.initialLoss ?? this.emaStart;
    const since = step - this.bigRatioStep;
    // 50 steps (or 3 collections), but no more than a third of the run: a short run can diverge too
    const window = Math.max(15, Math.min(Math.max(50, 3 * (this.start?.spec.instruments.every ?? 20)), Math.floor((this.start?.totalSteps ?? 150) / 3)));
    // (at the end of a run, a blow-up too late for the full window still counts after 5 steps)
    if (!Number.isFinite(ref) || since < (atEnd ? 5 : window)) return;
    if (this.emaMinSinceRatio < 0.9 * ref) return;
    this.diverged = {
      step,
      reason: `an update ${fmt(x.maxRatio.value)}x the size of ${x.maxRatio.layer}'s weights at step ${x.maxRatio.step}, and in the ${since} steps since step ${this.bigRatioStep} the loss never fell below ${fmt(0.9 * ref)} (it started at ${fmt(ref)})`,
    };
    x.diverged = this.diverged;
    this.update();
  }
  /** layers whose weights came from an imported file */
  private pretrained = new Set<string>();
  /** of those, ReLU layers whose units were dead in the imported weights (not an initialisation's doing) */
  private deadAsImported = new Map<string, number>();
  private emaMinSinceRatio = Infinity;
  private bigRatioStep = 0;

  private onStart(e: RunStartEvent) {
    this.start = e;
    this.t = e.spec.diagnosis;
    // A model that starts from imported weights was not initialised here: its initial loss is
    // already low, its weights' scale is what training made it, and units dead or saturated at
    // the start are the imported model's state. The initialisation checks would blame the
    // initialisers (and advise changing them) for what they did not do.
    this.pretrained = new Set(e.model.pretrained ?? []);
    this.facts = {
      spec: e.spec, layers: e.model.layers, deadAtInit: new Map(), satAtInit: new Map(), initScaleOff: new Map(), maxRatio: null, tooHighStep: null,
      initialLoss: null, expectedLoss: null, diverged: null, lrAt: (step) => this.lrAt(step),
    };
    if (!this.t.enabled) return;
    const d = e.data;
    const s = d.inputStats;
    const scale = Math.max(Math.abs(s.mean), s.std);
    this.vitals.model.input_scale = scale;
    if (Math.abs(s.mean) > this.t.inputScale || s.std > this.t.inputScale) {
      this.report('inputs_not_scaled', 'inputs', {
        severity: 'warning', title: `The inputs are not scaled: mean ${fmt(s.mean)}, std ${fmt(s.std)}`, layers: [], step: -1,
        metric: metric('input_scale', 'input |mean| or std', 'num', 'low', this.t.inputScale), value: scale,
        evidence: [`inputs after normalisation: mean ${fmt(s.mean)}, std ${fmt(s.std)}, range [${fmt(s.min)}, ${fmt(s.max)}] (threshold ${fmt(this.t.inputScale)})`],
        explanation: 'Large or off-centre inputs saturate units and make the first layer\'s gradients dominate; networks train best on inputs with zero mean and unit variance.',
        remedies: [R.scale, R.bn], source: 'setup',
      });
    }
    const mismatch = outputMismatch(e.spec);
    const last = e.model.layers[e.model.layers.length - 1];
    if (mismatch) {
      this.report('output_loss_mismatch', last.name, {
        severity: 'error', title: 'The output layer does not match the loss', layers: [last.name], step: -1,
        evidence: [mismatch], explanation: 'The loss reads the outputs as probabilities they are not: training is slow, unstable or stuck.',
        remedies: [R.softmax], source: 'setup',
      });
    }
    if (d.classCounts && d.classCounts.length > 1) {
      const max = Math.max(...d.classCounts), min = Math.min(...d.classCounts);
      if (min === 0 || max / min > this.t.imbalanceRatio) {
        const names = d.classNames ?? d.classCounts.map((_, i) => String(i));
        this.report('class_imbalance', 'classes', {
          severity: 'warning', title: `Strong class imbalance: ${min === 0 ? 'a class has no samples' : `${fmt(max / min)}x between the largest and smallest class`}`, layers: [], step: -1,
          evidence: [`largest class ${names[d.classCounts.indexOf(max)]}: ${max} samples; smallest ${names[d.classCounts.indexOf(min)]}: ${min}`],
          explanation: 'Accuracy can look fine while small classes are never predicted.', remedies: [R.weights], source: 'predictions',
        });
      }
    }
    if (d.audit) { this.dataAudit(d); this.classMix(d); }
    // Initialiser matched to the activation (Glorot & Bengio 2010; He et al. 2015; Klambauer et al. 2017),
    // judged by the weight scale it gives against the one the activation wants: one finding for all
    // such layers. The output layer is left to the initial-loss check, which measures what matters there.
    const infoByName = new Map(e.model.layers.map((l) => [l.name, l]));
    const weightedIdx = e.spec.model.layers.map((l, i) => (l.type === 'dense' || l.type === 'conv2d' ? i : -1)).filter((i) => i >= 0);
    const mismatched: { name: string; init: string; act: string; want: string; broken: boolean; factor: number }[] = [];
    for (const i of weightedIdx.slice(0, -1).filter((k) => !this.pretrained.has(layerName(e.spec.model.layers[k], k)))) {
      const l = e.spec.model.layers[i] as Extract<(typeof e.spec.model.layers)[number], { type: 'dense' | 'conv2d' }>;
      const init = typeof l.kernelInitializer === 'string' ? l.kernelInitializer : l.kernelInitializer.type;
      const want = initializerFor(l.activation);
      const family = initializerFamily(init);
      if (!want || family === want) continue;
      const name = layerName(l, i);
      const info = infoByName.get(name);
      const fanOut = info?.units ?? 1;
      const fanIn = info ? Math.max(1, Math.round((info.params - (l.useBias ? fanOut : 0)) / fanOut)) : 1;
      const std = (f: string) => (f === 'he' ? Math.sqrt(2 / fanIn) : f === 'lecun' ? Math.sqrt(1 / fanIn) : f === 'glorot' ? Math.sqrt(2 / (fanIn + fanOut)) : NaN);
      const actual = typeof l.kernelInitializer === 'object' && l.kernelInitializer.type === 'random_normal' ? l.kernelInitializer.stddev : std(family);
      mismatched.push({ name, init, act: l.activation, want, broken: family === 'zeros' || family === 'ones' || family === 'constant', factor: actual / std(want) });
    }
    const x = this.facts!;
    for (const m of mismatched) if (Number.isFinite(m.factor) && (m.factor < 0.2 || m.factor > 5)) x.initScaleOff.set(m.name, m.factor);
    if (mismatched.length) {
      const broken = mismatched.filter((m) => m.broken);
      // Close to the wanted scale trains in most nets, worth knowing but not a warning: within 2.5x for the
      // ReLU family and SELU (Glorot under ReLU, Keras' default, is 0.7x; Glorot for SELU on a wide first
      // layer 0.5x); within 1.3x for tanh/sigmoid, which saturate as soon as the scale grows.
      const mild = mismatched.every((m) => !m.broken && Number.isFinite(m.factor) && (m.want === 'glorot' ? m.factor > 0.5 && m.factor < 1.3 : m.factor > 0.4 && m.factor < 2.5));
      const head = broken[0] ?? [...mismatched].sort((a, b) => Math.abs(Math.log(b.factor)) - Math.abs(Math.log(a.factor)))[0];
      const wantName = (w: string) => (w === 'he' ? 'He' : w === 'lecun' ? 'LeCun' : 'Glorot');
      this.report('init_mismatched_initializer', 'layers', {
        severity: broken.length ? 'error' : mild ? 'info' : 'warning',
        title: mismatched.length === 1 ? `${head.name}: ${head.init} initialisation for ${head.act} units` : `${mismatched.length} layers initialised for another activation (${head.name}: ${head.init} for ${head.act})`,
        layers: mismatched.map((m) => m.name), step: -1,
        evidence: [head, ...mismatched.filter((m) => m !== head)].map((m) => (m.broken ? `${m.name}: ${m.init} gives every unit the same weights: they stay identical (symmetry is never broken)`
          : `${m.name}: ${m.init} gives weights ${fmt(m.factor)}x the scale ${wantName(m.want)} initialisation gives ${m.act} units`)),
        explanation: 'The initialiser sets the scale of activations and gradients at the start: matched to the activation, both keep their variance from layer to layer.',
        remedies: [R.he, R.glorot, R.lecun], source: 'setup',
      });
    }
  }

  private onInit(e: InitEvent) {
    const t = this.t!;
    const x = this.facts!;
    x.initialLoss = Number.isFinite(e.loss) ? e.loss : null;
    x.expectedLoss = e.expectedLoss;
    this.vitals.model.initial_loss = e.loss;
    // (an output layer with imported weights is not initialised: its low loss is what it learned)
    const outputImported = this.pretrained.has(weighted(this.start!.model.layers).at(-1)?.name ?? '');
    if (!outputImported && e.expectedLoss !== null && !initialLossOk(e.loss, e.expectedLoss, t.initLossTolerance)) {
      const high = e.loss > e.expectedLoss;
      this.report('init_loss_mismatch', 'loss', {
        severity: 'warning', title: `The initial loss is ${fmt(e.loss)}, expected about ${fmt(e.expectedLoss)}`, layers: [], step: 0,
        metric: metric('initial_loss', 'initial loss', 'num', 'band', e.expectedLoss), value: e.loss,
        evidence: [`initial loss ${fmt(e.loss)}, expected about ${fmt(e.expectedLoss)} (-log(1/K))`],
        explanation: high ? 'At initialisation the model should be unsure: a much higher loss means the output layer starts confidently wrong (its initial weights are too large).'
          : 'At initialisation the model should be unsure: a much lower loss means something leaks the answer into the inputs.',
        remedies: high ? [R.glorot] : [], source: 'run',
      });
    }
    const infos = this.start!.model.layers;
    const acts = payloadData(e.payloads, activations)?.layers ?? [];
    // What is dead or saturated before any update: set-up problems, not training dynamics.
    acts.forEach((a, i) => {
      const info = infos[i];
      if (!info) return;
      this.trackLayer(a, info, 0);
      if (i >= outputStart(infos)) return;
      // (a layer with imported weights was not initialised: what it is at the start is the file's state)
      if (this.pretrained.has(a.layer)) {
        if (info.unitKind === 'relu' && a.deadFrac > t.deadFraction) this.deadAsImported.set(a.layer, a.deadFrac);
        return;
      }
      if (info.unitKind === 'relu' && a.deadFrac > t.deadFraction) x.deadAtInit.set(a.layer, a.deadFrac);
      if (canSaturate(info.unitKind) && a.saturatedFrac > t.saturatedFraction) x.satAtInit.set(a.layer, a.saturatedFrac);
    });
    // Activation scale through depth (Glorot & Bengio 2010): hidden weighted layers' output std.
    // (Dead layers output zeros: their std says nothing about scale, and they have their own finding.)
    const hidden = weighted(infos).slice(0, -1).map((l) => ({ l, a: acts[infos.indexOf(l)] })).filter((h) => h.a && Number.isFinite(h.a.std));
    // (imported layers' scales are what training made them, not an initialiser's)
    if (hidden.length >= 3 && !hidden.some((h) => this.pretrained.has(h.l.name)) && !hidden.some((h) => x.deadAtInit.has(h.l.name)) && hidden[0].a.std > 0) {
      const first = hidden[0].a.std, lastStd = hidden[hidden.length - 1].a.std;
      const ratio = first > 0 ? lastStd / first : Infinity;
      if (ratio < 1 / t.activationScaleRatio || ratio > t.activationScaleRatio) {
        const shrink = ratio < 1;
        this.report('init_activation_scale', 'depth', {
          severity: 'warning', title: `Activations ${shrink ? 'shrink' : 'grow'} ${fmt(shrink ? 1 / ratio : ratio)}x from the first hidden layer to the last at initialisation`,
          layers: hidden.map((h) => h.l.name), step: 0,
          metric: metric('activation_std', 'output std', 'num', 'band', null), value: ratio,
          perLayer: hidden.map((h) => ({ layer: h.l.name, value: h.a.std, step: 0, series: [h.a.std], seriesSteps: [0] })),
          evidence: [`output std, last / first hidden layer: ${fmt(ratio)} (${hidden[hidden.length - 1].l.name} ${fmt(lastStd)}, ${hidden[0].l.name} ${fmt(first)}; threshold ${t.activationScaleRatio}x)`, hidden.map((h) => `${h.l.name} std ${fmt(h.a.std)}`).join(', ')],
          explanation: shrink ? 'Each layer scales the signal down: deep layers see almost nothing and gradients vanish on the way back.' : 'Each layer scales the signal up: deep layers saturate and gradients explode.',
          remedies: [R.he, R.glorot, R.lecun, R.bn], source: 'activations',
        });
      }
    }
    this.unitChecks(acts, 0, 0, true);
  }

  private trackLayer(a: LayerActivationStats, info: LayerInfo, step: number) {
    const v = (this.vitals.layers[a.layer] ??= {});
    this.tracks.add('activation_std', a.layer, step, a.std);
    v.activation_std = a.std;
    if (canSaturate(info.unitKind)) { this.tracks.add('saturated_fraction', a.layer, step, a.saturatedFrac); v.saturated_fraction = a.saturatedFrac; }
    if (canDie(info.unitKind)) { this.tracks.add('dead_fraction', a.layer, step, a.deadFrac); v.dead_fraction = a.deadFrac; }
  }

  private unitChecks(acts: LayerActivationStats[], step: number, epoch: number, atInit = false) {
    const t = this.t!;
    const infos = this.start!.model.layers;
    const x = this.facts!;
    // The output layer's saturation is confidence, not a fault: the loss and the initial-loss check judge it.
    const output = outputStart(infos);
    acts.forEach((a, i) => {
      const info = infos[i];
      if (!info || i >= output) return;
      // saturation that appears while the loss falls well is the network committing, not a fault
      if (!atInit && !x.satAtInit.has(a.layer) && this.learningWell) this.streak.set(`sat:${a.layer}`, 0);
      // at initialisation one look is enough (nothing has moved yet); later a symptom must persist
      const sat = a.saturatedFrac > t.saturatedFraction;
      if (canSaturate(info.unitKind) && (atInit ? sat : this.persists(`sat:${a.layer}`, sat && !(this.learningWell && !x.satAtInit.has(a.layer))))) {
        this.layerFinding('saturated_units', a.layer, a.saturatedFrac, step, epoch, {
          severity: 'warning', source: 'activations', metric: metric('saturated_fraction', 'saturated fraction', 'pct', 'low', t.saturatedFraction),
          title: (w, n) => `${pct(w.value)} of ${w.layer}'s ${info.unitKind} outputs saturated${n ? ` (and ${n} more layer${n > 1 ? 's' : ''})` : ''}`,
          line: (ev) => `${ev.layer}: ${pct(ev.value)} of outputs saturated ${x.satAtInit.has(ev.layer) ? 'at initialisation' : `at step ${ev.step}`} (threshold ${pct(t.saturatedFraction)})`,
          explanation: 'Saturated sigmoid/tanh units pass almost no gradient: the layers below stop learning.',
          remedies: [R.glorot, R.scale, R.bn, R.leaky],
        });
      }
      // only plain ReLUs die: leaky ReLU, ELU and SELU pass a gradient below zero
      if (info.unitKind === 'relu') {
        const dead = a.deadFrac > t.deadFraction;
        // (units that die while the loss falls well cost capacity, not learning: the run is fine)
        if (atInit ? dead : this.persists(`dead:${a.layer}`, dead && !(this.learningWell && !x.deadAtInit.has(a.layer)))) {
          this.layerFinding('dead_units', a.layer, a.deadFrac, step, epoch, {
            // Dead at initialisation, after updates too large, or most of a layer: a warning. A minority of
            // a wide layer dying along the way in a run with healthy updates costs capacity: worth knowing.
            severity: (evs) => (evs.some((ev) => x.deadAtInit.has(ev.layer) || ev.value >= 0.6) || x.tooHighStep !== null ? 'warning' : 'info'),
            source: 'activations', metric: metric('dead_fraction', 'dead fraction', 'pct', 'low', t.deadFraction),
            title: (w, n) => `${pct(w.value)} of ${w.layer}'s units dead${n ? ` (and ${n} more layer${n > 1 ? 's' : ''})` : ''}`,
            line: (ev) => {
              const init = x.deadAtInit.get(ev.layer);
              const imported = this.deadAsImported.get(ev.layer);
              return `${ev.layer}: ${pct(ev.value)} of units never fire on the probe batch ${init !== undefined ? 'already at initialisation' : imported !== undefined ? `already in the imported weights (${pct(imported)} at the start)` : `by step ${ev.step} (alive at ${this.pretrained.has(ev.layer) ? 'the start' : 'initialisation'})`} (threshold ${pct(t.deadFraction)})`;
            },
            explanation: 'A dead ReLU outputs zero for every input and gets no gradient: it never recovers. Large updates (learning rate) or a poor initialisation (a negative bias) push units there; when they died tells which.',
            remedies: [R.zeroBias, R.he, R.lower, R.leaky, R.bn],
          });
        }
      }
    });
  }

  private onCollection(c: CollectionEvent) {
    const t = this.t!;
    const x = this.facts!;
    this.lastStep = Math.max(this.lastStep, c.step);
    this.vitals.step = c.step;
    // Each check reads the instruments it needs; a run that switched one off simply skips them.
    const acts = payloadData(c.payloads, activations)?.layers ?? [];
    const grads = payloadData(c.payloads, gradients);
    const wts = payloadData(c.payloads, weights)?.variables ?? [];
    const infos = this.start!.model.layers;
    acts.forEach((a, i) => { if (infos[i]) this.trackLayer(a, infos[i], c.step); });
    // Non-finite values, located to the first place they appear (activations in layer order, then gradients, then weights).
    const badAct = acts.find((l) => l.nan + l.inf > 0);
    const badGrad = grads?.variables.find((v) => v.nan + v.inf > 0);
    const badW = wts.find((v) => v.nan + v.inf > 0);
    const bad = badAct ? { where: badAct.layer, tensor: `${badAct.layer} output`, n: badAct.nan + badAct.inf, source: 'activations' as const }
      : badGrad ? { where: badGrad.layer, tensor: `gradient of ${badGrad.variable}`, n: badGrad.nan + badGrad.inf, source: 'gradients' as const }
      : badW ? { where: badW.layer, tensor: badW.variable, n: badW.nan + badW.inf, source: 'weights' as const } : null;
    if (bad) {
      this.report('non_finite', bad.tensor, {
        severity: 'error', title: `NaN/Inf first in ${bad.tensor}`, layers: [bad.where], tensor: bad.tensor, step: c.step, epoch: c.epoch,
        evidence: [`${bad.n} non-finite values in ${bad.tensor} at step ${c.step}`],
        explanation: 'Once a NaN appears it spreads through every later layer and step. The first tensor that holds it is where to look.',
        remedies: [R.lower, R.clip, R.bn], source: bad.source,
      });
    }
    // Update ratios |dW|/|W| per kernel (Karpathy: ~1e-3 is healthy).
    const kernels = wts.filter((v) => isKernel(v.variable) && v.updateRatio !== null && Number.isFinite(v.updateRatio));
    for (const v of kernels) {
      this.tracks.add('update_ratio', v.layer, c.step, v.updateRatio as number);
      (this.vitals.layers[v.layer] ??= {}).update_ratio = v.updateRatio as number;
    }
    const top = kernels.reduce<(typeof kernels)[number] | null>((a, v) => (!a || (v.updateRatio as number) > (a.updateRatio as number) ? v : a), null);
    if (top && (!x.maxRatio || (top.updateRatio as number) > x.maxRatio.value)) {
      // the divergence clock starts at the first update larger than the weights, not at each larger one
      if ((top.updateRatio as number) > 1 && (!x.maxRatio || x.maxRatio.value <= 1)) { this.emaMinSinceRatio = Infinity; this.bigRatioStep = c.step; }
      x.maxRatio = { value: top.updateRatio as number, step: c.step, layer: top.layer };
    }
    // An update larger than the weights themselves: the learning rate is too high, whatever the gradient norm says.
    if (top && (top.updateRatio as number) > 1) {
      this.noteTooHigh(c.step);
      const r = top.updateRatio as number;
      const line = `largest update ratio |dW|/|W| ${fmt(r)} in ${top.layer} at step ${c.step}: an update larger than the weights themselves (healthy about 1e-3)`;
      if (this.byId('lr_too_high')) this.addEvidence('lr_too_high', line);
      else this.report('lr_too_high', 'updates', {
        severity: 'error', title: `Updates larger than the weights: |dW|/|W| = ${fmt(r)} at step ${c.step}`, layers: [top.layer], step: c.step, epoch: c.epoch,
        metric: metric('update_ratio', 'update ratio |dW|/|W|', 'num', 'low', 1), value: r, evidence: [line],
        explanation: 'One step changed the weights by more than their own size: training is thrown around instead of descending.',
        remedies: this.rateRemedies(c.step, 'high'), source: 'weights',
      });
    }
    const norm = grads?.globalNorm ?? NaN;
    if (Number.isFinite(norm)) this.vitals.model.grad_norm = norm;
    if (this.firstNorm === null && Number.isFinite(norm) && norm > 0) this.firstNorm = norm;
    if ((this.firstNorm !== null && norm > t.explodingGrowth * this.firstNorm) || norm > t.explodingNorm) {
      const growth = this.firstNorm ? norm / this.firstNorm : NaN;
      this.report('exploding_gradients', 'global', {
        severity: 'error', title: `Exploding gradients: global norm ${fmt(norm)}${Number.isFinite(growth) && growth >= 2 ? ` (${fmt(growth)}x the first)` : ''}`, layers: [], step: c.step, epoch: c.epoch,
        metric: metric('grad_norm', 'global gradient norm', 'num', 'low', t.explodingNorm), value: norm,
        evidence: [`global gradient norm ${fmt(norm)} at step ${c.step} (first collection: ${fmt(this.firstNorm ?? norm)}; thresholds: ${t.explodingGrowth}x the first, or ${fmt(t.explodingNorm)})`],
        explanation: 'Gradients grow from layer to layer or step to step until updates wreck the weights (Pascanu et al., 2013).',
        remedies: [R.clip, R.lower, R.bn, R.he], source: 'gradients',
      });
    }
    // Vanishing: a layer's RMS gradient orders of magnitude below the last layer's.
    const w = weighted(infos);
    if (w.length >= 3 && grads) {
      const rms = (layer: string) => {
        const vs = grads.variables.filter((v) => v.layer === layer);
        const sq = vs.reduce((a, v) => a + v.norm * v.norm, 0), n = vs.reduce((a, v) => a + v.count, 0);
        return n ? Math.sqrt(sq / n) : NaN;
      };
      const last = rms(w[w.length - 1].name);
      for (const l of w.slice(0, -1)) {
        const ratio = rms(l.name) / last;
        if (!Number.isFinite(ratio)) continue;
        this.tracks.add('grad_rms_ratio', l.name, c.step, ratio);
        (this.vitals.layers[l.name] ??= {}).grad_rms_ratio = ratio;
        if (this.persists(`vanish:${l.name}`, ratio < t.vanishingRatio)) {
          this.layerFinding('vanishing_gradients', l.name, ratio, c.step, c.epoch, {
            severity: 'warning', source: 'gradients', metric: metric('grad_rms_ratio', 'RMS gradient / last layer\'s', 'num', 'high', t.vanishingRatio),
            title: (wv, n) => `Vanishing gradients: ${wv.layer}'s RMS gradient is ${fmt(wv.value)} of the last layer's${n ? ` (and ${n} more layer${n > 1 ? 's' : ''})` : ''}`,
            line: (ev) => `${ev.layer}: RMS gradient ${fmt(ev.value)} of the last layer's (${w[w.length - 1].name}) at step ${ev.step} (threshold ${fmt(t.vanishingRatio)})`,
            explanation: 'The gradient shrinks on its way back through the layers, so the early layers barely learn (Glorot & Bengio, 2010).',
            remedies: [R.he, R.leaky, R.bn, R.adam],
          });
        }
      }
    }
    // Learning rate, read from the median update ratio.
    const med = median(kernels.map((v) => v.updateRatio as number));
    if (Number.isFinite(med)) {
      this.vitals.model.update_ratio = med;
      // (a run whose loss already fell well is not overshooting, whatever the ratio: Adam on small weights)
      if (this.persists('lr-high', med > t.updateRatioHigh && c.step >= 20 && !this.learningWell)) {
        this.noteTooHigh(c.step);
        const line = `median update ratio |dW|/|W| ${fmt(med)} at step ${c.step} (healthy about 1e-3; threshold ${fmt(t.updateRatioHigh)})`;
        if (this.byId('lr_too_high')) this.addEvidence('lr_too_high', line);
        else this.report('lr_too_high', 'updates', {
          severity: 'warning', title: `The learning rate looks too high: median update ratio ${fmt(med)}`, layers: [], step: c.step, epoch: c.epoch,
          metric: metric('update_ratio', 'median update ratio |dW|/|W|', 'num', 'low', t.updateRatioHigh), value: med, evidence: [line],
          explanation: 'Each step changes the weights by a large fraction of their size: the loss oscillates or diverges.',
          remedies: this.rateRemedies(c.step, 'high'), source: 'weights',
        });
      }
      // Small updates say "learning rate too low" only while nothing else explains them.
      // (zero gradients are not a slow learning rate: a saturated softmax or dead network gives them)
      const gradientsFlow = Number.isFinite(norm) && this.firstNorm !== null && norm > 1e-6 * this.firstNorm && med > 0;
      if (c.step > 0 && this.persists('lr-low', med < t.updateRatioLow && gradientsFlow) && !this.lrTooHighEver && !this.updatesExplained) {
        this.report('lr_too_low', 'updates', {
          severity: 'warning', title: `Tiny updates: median update ratio ${fmt(med)}`, layers: [], step: c.step, epoch: c.epoch,
          metric: metric('update_ratio', 'median update ratio |dW|/|W|', 'num', 'high', t.updateRatioLow), value: med,
          evidence: [`median update ratio |dW|/|W| ${fmt(med)} at step ${c.step} with learning rate ${fmt(this.lrAt(c.step))}, while units are alive and gradients flow (global norm ${fmt(norm)}) (healthy about 1e-3; threshold ${fmt(t.updateRatioLow)})`],
          explanation: 'The weights barely change from step to step: training crawls.',
          remedies: this.rateRemedies(c.step, 'low'), source: 'weights',
        });
      }
    }
    this.unitChecks(acts, c.step, c.epoch);
  }

  private onEpoch(e: EpochEvent) {
    const t = this.t!;
    this.epochs.push(e);
    this.lastEpoch = e.epoch;
    const eps = this.epochs;
    if (e.train.accuracy !== undefined) this.vitals.model.train_accuracy = e.train.accuracy;
    if (e.validation) this.vitals.model.loss_gap = e.validation.loss - e.train.loss;
    // Overfitting: validation loss well above its best while the training loss kept falling.
    const withVal = eps.filter((x) => x.validation);
    if (withVal.length >= 2 && e.validation) {
      const best = withVal.reduce((a, b) => (b.validation!.loss < a.validation!.loss ? b : a));
      // (an absolute 0.05 as well: tiny validation losses on small splits jump by large fractions on noise)
      const rise = e.validation.loss - best.validation!.loss;
      if (best !== e && rise > Math.max(t.overfitRise * best.validation!.loss, 0.05) && e.train.loss < (1 - t.overfitRise) * best.train.loss) {
        const gap = e.validation.loss - e.train.loss, bestGap = best.validation!.loss - best.train.loss;
        this.report('overfitting', 'validation', {
          severity: 'warning', title: `Overfitting: validation loss ${fmt(gap)} above the training loss, and rising`, layers: [], step: e.step, epoch: e.epoch,
          metric: metric('loss_gap', 'validation - training loss', 'num', 'low', null), value: gap,
          evidence: [`validation - training loss ${fmt(gap)} at epoch ${e.epoch + 1}, ${fmt(bestGap)} at epoch ${best.epoch + 1} (the best validation loss)`, `validation loss ${fmt(best.validation!.loss)} -> ${fmt(e.validation.loss)} (up ${fmt(rise)})`, `training loss ${fmt(best.train.loss)} -> ${fmt(e.train.loss)}`],
          explanation: 'The model fits the training samples better while it gets worse on unseen ones: it is memorising.',
          remedies: [R.early, R.dropout, R.l2, R.augment], source: 'run',
        });
      }
    }
    // Underfitting: training accuracy low and flat (an outcome: the cause says why).
    if (eps.length >= 2 && e.train.accuracy !== undefined) {
      const prev = eps[eps.length - 2].train.accuracy ?? 0;
      // "flat": at the last epoch's pace the threshold is more than 8 epochs away (and under 2 points gained)
      const gain = e.train.accuracy - prev;
      if (e.train.accuracy < t.underfitAccuracy && gain < Math.max(0.02, (t.underfitAccuracy - e.train.accuracy) / 8)) {
        this.report('underfitting', 'train', {
          severity: 'warning', title: `Underfitting: training accuracy ${pct(e.train.accuracy)} and flat`, layers: [], step: e.step, epoch: e.epoch,
          metric: metric('train_accuracy', 'training accuracy', 'pct', 'high', t.underfitAccuracy), value: e.train.accuracy,
          evidence: [`training accuracy ${pct(e.train.accuracy)} at epoch ${e.epoch + 1}, ${pct(prev)} the epoch before: at that pace ${pct(t.underfitAccuracy)} is more than 8 epochs away`],
          explanation: 'The model cannot even fit the training data: too little capacity, too strong regularisation, or an optimisation problem (the cause above says which).',
          remedies: [R.capacity, R.lessReg], source: 'run',
        });
      }
    }
    // Plateau: the training loss stopped moving (information: it may simply have converged).
    if (eps.length >= 3) {
      const a = eps[eps.length - 3].train.loss, b = e.train.loss;
      if (a > 0 && Math.abs(a - b) / a < 0.005 && b > 0.05) {
        this.report('plateau', 'train', {
          severity: 'info', title: `The training loss has plateaued at ${fmt(b)}`, layers: [], step: e.step, epoch: e.epoch,
          metric: metric('loss', 'training loss', 'num', 'low', null), value: b,
          evidence: [`training loss ${fmt(b)} now, ${fmt(a)} two epochs ago`],
          explanation: 'Progress stalled while the loss is not small: a lower learning rate can settle into a better minimum, a higher one can leave a flat region.',
          remedies: [R.schedule, R.adam], source: 'run',
        });
      }
    }
  }
}

/** Replays a run's events through the checks: a run can be checked after the fact. */
export function diagnoseRun(events: RunEvent[]): { findings: Finding[]; diagnosis: Diagnosis; diverged: Diagnoser['diverged'] } {
  const d = new Diagnoser();
  for (const e of events) d.ingest(e);
  return { findings: d.findings, diagnosis: d.diagnosis, diverged: d.diverged };
}

/** The findings of a replayed run (see diagnoseRun for the cause). */
export function diagnose(events: RunEvent[]): Finding[] {
  return diagnoseRun(events).findings;
}
