// The checks. A Diagnoser reads a run's events in order (live from the trainer, or replayed from a
// run folder) and reports each problem once, as early as the evidence allows, with the numbers
// that show it and the remedies that usually work. It only reads what the instruments already
// computed, so it adds nothing measurable to a training step.
import type { CollectionEvent, EpochEvent, InitEvent, RunEvent, RunStartEvent } from '../../../shared/events.ts';
import type { DiagnosisSpec } from '../../../shared/spec.ts';
import type { Finding, FindingKind, Remedy, Severity } from '../../../shared/diagnosis/finding.ts';
import { canDie, canSaturate, initializerFamily, initializerFor, isKernel, isWeightedLayer, layerName, type LayerInfo } from '../../../shared/layers.ts';
import { payloadData } from '../../../shared/instruments/framework/define.ts';
import { activations, type LayerActivationStats } from '../../../shared/instruments/activations/definition.ts';
import { gradients } from '../../../shared/instruments/gradients/definition.ts';
import { weights } from '../../../shared/instruments/weights/definition.ts';
import { outputMismatch } from '../model/output-check.ts';
import { initialLossOk } from './expected-loss.ts';

const fmt = (v: number) => (v === 0 ? '0' : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? Number(v.toPrecision(3)).toString() : v.toExponential(2));
const pct = (v: number) => `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%`;
const median = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s.length ? s[Math.floor(s.length / 2)] : NaN; };

const R: Record<string, Remedy> = {
  he: { text: 'He initialisation for ReLU-family layers', fix: 'he_init' },
  glorot: { text: 'Glorot initialisation for tanh/sigmoid/softmax layers', fix: 'glorot_init' },
  lecun: { text: 'LeCun initialisation for SELU layers', fix: 'lecun_init' },
  bn: { text: 'batch normalisation after the affected layers', fix: 'batchnorm' },
  clip: { text: 'gradient clipping by global norm (1.0)', fix: 'clip_norm' },
  lower: { text: 'a 10x lower learning rate', fix: 'lower_lr' },
  raise: { text: 'a 10x higher learning rate', fix: 'raise_lr' },
  adam: { text: 'an adaptive optimiser (Adam)', fix: 'adam' },
  leaky: { text: 'a non-saturating activation (leaky ReLU, ELU)', fix: 'leaky_relu' },
  early: { text: 'early stopping with best-weight restore', fix: 'early_stopping' },
  dropout: { text: 'dropout', fix: 'dropout' },
  l2: { text: 'L2 weight decay', fix: 'l2' },
  scale: { text: 'standardise the inputs (data.normalize: standardize)', fix: 'standardize_inputs' },
  softmax: { text: 'a softmax output with categorical cross-entropy', fix: 'softmax_output' },
  capacity: { text: 'more capacity (units or layers)', fix: 'more_capacity' },
  augment: { text: 'data augmentation or more data' },
  weights: { text: 'class weights, resampling, or a metric that sees the small classes' },
  schedule: { text: 'a learning-rate schedule (reduce on plateau)' },
};

/** Weighted layers (dense, conv) in order: where gradients and update ratios are read. */
function weighted(layers: LayerInfo[]) {
  return layers.filter((l) => l.variables.length > 0 && isWeightedLayer(l.className));
}

export class Diagnoser {
  readonly findings: Finding[] = [];
  private seen = new Set<string>();
  private start: RunStartEvent | null = null;
  private t: DiagnosisSpec | null = null;
  private firstNorm: number | null = null;
  private streak = new Map<string, number>();
  private deadFirst = new Map<string, number>();
  private epochs: EpochEvent[] = [];
  private lastStep = -1;
  /** smoothed step loss (EMA over ~20 steps) and its lowest value so far */
  private ema = NaN;
  private emaMin = Infinity;

  constructor(private readonly onFinding: (f: Finding) => void = () => {}) {}

  private report(kind: FindingKind, key: string, f: Omit<Finding, 'id' | 'kind' | 'step' | 'epoch'> & { step?: number; epoch?: number }) {
    const id = `${kind}:${key}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    const finding: Finding = { id, kind, step: f.step ?? this.lastStep, epoch: f.epoch ?? 0, ...f };
    this.findings.push(finding);
    this.onFinding(finding);
  }

  /** true once `key` has held for `patience` consecutive observations */
  private persists(key: string, holds: boolean): boolean {
    const n = holds ? (this.streak.get(key) ?? 0) + 1 : 0;
    this.streak.set(key, n);
    return n >= this.t!.patience;
  }

  ingest(e: RunEvent) {
    if (e.type === 'run-start') { this.onStart(e); return; }
    if (!this.t || !this.t.enabled) return;
    switch (e.type) {
      case 'init': this.onInit(e); break;
      case 'step': this.onStep(e.step, e.epoch, e.loss); break;
      case 'non-finite':
        this.report('non_finite', 'loss', {
          severity: 'error', title: `The loss became ${e.value}`, layers: [], tensor: 'loss', step: e.step, epoch: e.epoch,
          evidence: [`loss ${e.value} at step ${e.step}`],
          explanation: 'Training produced NaN or Inf. Usually the learning rate is too high or gradients exploded; sometimes the data holds NaN, or a log/division sees zero.',
          remedies: [R.lower, R.clip, R.bn], source: 'run',
        });
        break;
      case 'collection': this.onCollection(e); break;
      case 'epoch': this.onEpoch(e); break;
      default: break;
    }
  }

  /** A loss that climbs back well above its best (smoothed) is diverging: the steps are too large. */
  private onStep(step: number, epoch: number, loss: number) {
    this.lastStep = step;
    if (!Number.isFinite(loss)) return;
    this.ema = Number.isNaN(this.ema) ? loss : 0.95 * this.ema + 0.05 * loss;
    if (step < 20) return; // the average needs ~20 steps to mean anything
    this.emaMin = Math.min(this.emaMin, this.ema);
    if (step >= 50 && this.ema > 1.5 * this.emaMin + 0.05) {
      this.report('lr_too_high', 'updates', {
        severity: 'warning', title: 'The loss is diverging: the learning rate looks too high', layers: [], step, epoch,
        evidence: [`smoothed training loss rose from ${fmt(this.emaMin)} to ${fmt(this.ema)}`],
        explanation: 'Steps overshoot the minimum: the loss climbs back up or oscillates instead of settling.',
        remedies: [R.lower, R.clip, R.schedule], source: 'run',
      });
    }
  }

  private onStart(e: RunStartEvent) {
    this.start = e;
    this.t = e.spec.diagnosis;
    if (!this.t.enabled) return;
    const d = e.data;
    const s = d.inputStats;
    if (Math.abs(s.mean) > this.t.inputScale || s.std > this.t.inputScale) {
      this.report('inputs_not_scaled', 'inputs', {
        severity: 'warning', title: 'The inputs are not scaled', layers: [], step: -1,
        evidence: [`inputs after normalisation: mean ${fmt(s.mean)}, std ${fmt(s.std)}, range [${fmt(s.min)}, ${fmt(s.max)}]`],
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
          severity: 'warning', title: 'Strong class imbalance', layers: [], step: -1,
          evidence: [`largest class ${names[d.classCounts.indexOf(max)]}: ${max} samples; smallest ${names[d.classCounts.indexOf(min)]}: ${min}`],
          explanation: 'Accuracy can look fine while small classes are never predicted.', remedies: [R.weights], source: 'predictions',
        });
      }
    }
    // Initialiser matched to the activation (Glorot & Bengio 2010; He et al. 2015; Klambauer et al. 2017).
    e.spec.model.layers.forEach((l, i) => {
      if (l.type !== 'dense' && l.type !== 'conv2d') return;
      const init = typeof l.kernelInitializer === 'string' ? l.kernelInitializer : l.kernelInitializer.type;
      const act = l.activation;
      const family = initializerFamily(init);
      const want = initializerFor(act);
      if (!want || family === want) return;
      const name = layerName(l, i);
      const broken = family === 'zeros' || family === 'ones' || family === 'constant';
      // Glorot under ReLU is Keras' default and mostly works: worth knowing, not a warning.
      const severity: Severity = broken ? 'error' : want === 'he' && family === 'glorot' ? 'info' : 'warning';
      this.report('init_mismatched_initializer', name, {
        severity, title: `${name}: ${init} initialisation for ${act} units`, layers: [name], step: -1,
        evidence: [broken ? `${init} gives every unit the same weights: they stay identical (symmetry is never broken)` : `${act} units want ${want === 'he' ? 'He' : want === 'lecun' ? 'LeCun' : 'Glorot'} initialisation; this layer uses ${init}`],
        explanation: 'The initialiser sets the scale of activations and gradients at the start: matched to the activation, both keep their variance from layer to layer.',
        remedies: [want === 'he' ? R.he : want === 'lecun' ? R.lecun : R.glorot], source: 'setup',
      });
    });
  }

  private onInit(e: InitEvent) {
    const t = this.t!;
    if (e.expectedLoss !== null && !initialLossOk(e.loss, e.expectedLoss, t.initLossTolerance)) {
      this.report('init_loss_mismatch', 'loss', {
        severity: 'warning', title: 'The initial loss is far from its expected value', layers: [], step: 0,
        evidence: [`initial loss ${fmt(e.loss)}, expected about ${fmt(e.expectedLoss)} (-log(1/K))`],
        explanation: 'At initialisation the model should be unsure: a much higher loss means the output layer starts confidently wrong (its initial weights are too large), a much lower one that something leaks the answer.',
        remedies: [R.glorot], source: 'run',
      });
    }
    // Activation scale through depth (Glorot & Bengio 2010): hidden weighted layers' output std.
    const infos = this.start!.model.layers;
    const acts = payloadData(e.payloads, activations)?.layers ?? [];
    const hidden = weighted(infos).slice(0, -1).map((l) => ({ l, a: acts[infos.indexOf(l)] })).filter((x) => x.a && Number.isFinite(x.a.std));
    if (hidden.length >= 3) {
      const first = hidden[0].a.std, lastStd = hidden[hidden.length - 1].a.std;
      const ratio = first > 0 ? lastStd / first : Infinity;
      if (ratio < 1 / t.activationScaleRatio || ratio > t.activationScaleRatio) {
        this.report('init_activation_scale', 'depth', {
          severity: 'warning', title: `Activations ${ratio < 1 ? 'shrink' : 'grow'} layer after layer at initialisation`, layers: hidden.map((x) => x.l.name), step: 0,
          evidence: [hidden.map((x) => `${x.l.name} std ${fmt(x.a.std)}`).join(', '), `last / first: ${fmt(ratio)}`],
          explanation: ratio < 1 ? 'Each layer scales the signal down: deep layers see almost nothing and gradients vanish on the way back.' : 'Each layer scales the signal up: deep layers saturate and gradients explode.',
          remedies: [R.he, R.glorot, R.bn], source: 'activations',
        });
      }
    }
    this.unitChecks(acts, 0, 0);
  }

  private unitChecks(acts: LayerActivationStats[], step: number, epoch: number) {
    const t = this.t!;
    const infos = this.start!.model.layers;
    acts.forEach((a, i) => {
      const info = infos[i];
      if (!info) return;
      if (canSaturate(info.unitKind) && this.persists(`sat:${a.layer}`, a.saturatedFrac > t.saturatedFraction)) {
        this.report('saturated_units', a.layer, {
          severity: 'warning', title: `${a.layer}: ${pct(a.saturatedFrac)} of ${info.unitKind} outputs saturated`, layers: [a.layer], step, epoch,
          evidence: [`saturated fraction ${pct(a.saturatedFrac)} (threshold ${pct(t.saturatedFraction)}) for ${t.patience} collections`],
          explanation: 'Saturated sigmoid/tanh units pass almost no gradient: the layers below stop learning.',
          remedies: [R.glorot, R.scale, R.bn, R.leaky], source: 'activations',
        });
      }
      if (canDie(info.unitKind)) {
        if (!this.deadFirst.has(a.layer)) this.deadFirst.set(a.layer, a.deadFrac);
        if (this.persists(`dead:${a.layer}`, a.deadFrac > t.deadFraction)) {
          const first = this.deadFirst.get(a.layer)!;
          this.report('dead_units', a.layer, {
            severity: 'warning', title: `${a.layer}: ${pct(a.deadFrac)} of units dead`, layers: [a.layer], step, epoch,
            evidence: [`${pct(a.deadFrac)} of units never fire on the probe batch (threshold ${pct(t.deadFraction)})`, a.deadFrac > first ? `growing: ${pct(first)} at the first collection` : `already ${pct(first)} at the first collection`],
            explanation: 'A dead ReLU outputs zero for every input and gets no gradient: it never recovers. Large updates (learning rate) or a poor initialisation push units there.',
            remedies: [R.he, R.lower, R.leaky, R.bn], source: 'activations',
          });
        }
      }
    });
  }

  private onCollection(c: CollectionEvent) {
    const t = this.t!;
    // Each check reads the instruments it needs; a run that switched one off simply skips them.
    const acts = payloadData(c.payloads, activations)?.layers ?? [];
    const grads = payloadData(c.payloads, gradients);
    const wts = payloadData(c.payloads, weights)?.variables ?? [];
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
    const norm = grads?.globalNorm ?? NaN;
    if (this.firstNorm === null && Number.isFinite(norm) && norm > 0) this.firstNorm = norm;
    const ratios = wts.filter((v) => isKernel(v.variable) && v.updateRatio !== null).map((v) => v.updateRatio as number);
    const maxRatio = ratios.length ? Math.max(...ratios) : 0;
    if ((this.firstNorm !== null && norm > t.explodingGrowth * this.firstNorm) || norm > t.explodingNorm || maxRatio > 1) {
      this.report('exploding_gradients', 'global', {
        severity: 'error', title: 'Exploding gradients', layers: [], step: c.step, epoch: c.epoch,
        evidence: [`global gradient norm ${fmt(norm)} (first collection: ${fmt(this.firstNorm ?? norm)}; thresholds: ${t.explodingGrowth}x the first, or ${fmt(t.explodingNorm)})`, ...(maxRatio > 1 ? [`an update larger than the weights themselves: |dW|/|W| = ${fmt(maxRatio)}`] : [])],
        explanation: 'Gradients grow from layer to layer or step to step until updates wreck the weights (Pascanu et al., 2013).',
        remedies: [R.clip, R.lower, R.bn, R.he], source: 'gradients',
      });
    }
    // Vanishing: early layers' RMS gradient orders of magnitude below the last layer's.
    const w = weighted(this.start!.model.layers);
    if (w.length >= 3 && grads) {
      const rms = (layer: string) => {
        const vs = grads.variables.filter((v) => v.layer === layer);
        const sq = vs.reduce((a, v) => a + v.norm * v.norm, 0), n = vs.reduce((a, v) => a + v.count, 0);
        return n ? Math.sqrt(sq / n) : NaN;
      };
      const first = rms(w[0].name), last = rms(w[w.length - 1].name);
      const ratio = first / last;
      if (this.persists('vanishing', Number.isFinite(ratio) && ratio < t.vanishingRatio)) {
        const firstUpdate = wts.find((v) => v.layer === w[0].name && isKernel(v.variable))?.updateRatio;
        this.report('vanishing_gradients', w[0].name, {
          severity: 'warning', title: 'Vanishing gradients in the early layers', layers: w.slice(0, Math.ceil(w.length / 2)).map((l) => l.name), step: c.step, epoch: c.epoch,
          evidence: [`RMS gradient: ${w[0].name} ${fmt(first)} vs ${w[w.length - 1].name} ${fmt(last)} (ratio ${fmt(ratio)})`, ...(firstUpdate != null ? [`${w[0].name} update ratio ${fmt(firstUpdate)}`] : [])],
          explanation: 'The gradient shrinks on its way back through the layers, so the first layers barely learn (Glorot & Bengio, 2010).',
          remedies: [R.he, R.leaky, R.bn, R.adam], source: 'gradients',
        });
      }
    }
    // Learning rate, read from the update ratios (Karpathy: ~1e-3 is healthy).
    const med = median(ratios);
    if (Number.isFinite(med)) {
      if (this.persists('lr-high', med > t.updateRatioHigh)) {
        this.report('lr_too_high', 'updates', {
          severity: 'warning', title: 'The learning rate looks too high', layers: [], step: c.step, epoch: c.epoch,
          evidence: [`median update ratio |dW|/|W| ${fmt(med)} (healthy about 1e-3; threshold ${fmt(t.updateRatioHigh)})`],
          explanation: 'Each step changes the weights by a large fraction of their size: the loss oscillates or diverges.',
          remedies: [R.lower, R.clip, R.schedule], source: 'weights',
        });
      }
      if (c.step > 0 && this.persists('lr-low', med < t.updateRatioLow)) {
        this.report('lr_too_low', 'updates', {
          severity: 'warning', title: 'The learning rate looks too low', layers: [], step: c.step, epoch: c.epoch,
          evidence: [`median update ratio |dW|/|W| ${fmt(med)} (healthy about 1e-3; threshold ${fmt(t.updateRatioLow)})`],
          explanation: 'The weights barely change from step to step: training crawls.',
          remedies: [R.raise, R.adam], source: 'weights',
        });
      }
    }
    this.unitChecks(acts, c.step, c.epoch);
  }

  private onEpoch(e: EpochEvent) {
    const t = this.t!;
    this.epochs.push(e);
    const eps = this.epochs;
    // Overfitting: validation loss well above its best while the training loss kept falling.
    const withVal = eps.filter((x) => x.validation);
    if (withVal.length >= 2 && e.validation) {
      const best = withVal.reduce((a, b) => (b.validation!.loss < a.validation!.loss ? b : a));
      // (an absolute 0.05 as well: tiny validation losses on small splits jump by large fractions on noise)
      const rise = e.validation.loss - best.validation!.loss;
      if (best !== e && rise > Math.max(t.overfitRise * best.validation!.loss, 0.05) && e.train.loss < (1 - t.overfitRise) * best.train.loss) {
        this.report('overfitting', 'validation', {
          severity: 'warning', title: 'Overfitting: validation loss rising while training loss falls', layers: [], step: e.step, epoch: e.epoch,
          evidence: [`validation loss ${fmt(best.validation!.loss)} at epoch ${best.epoch + 1} -> ${fmt(e.validation.loss)} at epoch ${e.epoch + 1}`, `training loss ${fmt(best.train.loss)} -> ${fmt(e.train.loss)}`, `gap ${fmt(best.validation!.loss - best.train.loss)} -> ${fmt(e.validation.loss - e.train.loss)}`],
          explanation: 'The model fits the training samples better while it gets worse on unseen ones: it is memorising.',
          remedies: [R.early, R.dropout, R.l2, R.augment], source: 'run',
        });
      }
    }
    // Underfitting: training accuracy low and flat.
    if (eps.length >= 2 && e.train.accuracy !== undefined) {
      const prev = eps[eps.length - 2].train.accuracy ?? 0;
      // "flat": less than 5 points gained in the last epoch
      if (e.train.accuracy < t.underfitAccuracy && e.train.accuracy - prev < 0.05) {
        this.report('underfitting', 'train', {
          severity: 'warning', title: 'Underfitting: training accuracy low and flat', layers: [], step: e.step, epoch: e.epoch,
          evidence: [`training accuracy ${pct(prev)} -> ${pct(e.train.accuracy)} (threshold ${pct(t.underfitAccuracy)})`],
          explanation: 'The model cannot even fit the training data: too little capacity, too strong regularisation, or an optimisation problem (see the other findings).',
          remedies: [R.capacity, R.raise, R.adam], source: 'run',
        });
      }
    }
    // Plateau: the training loss stopped moving (information: it may simply have converged).
    if (eps.length >= 3) {
      const a = eps[eps.length - 3].train.loss, b = e.train.loss;
      if (a > 0 && Math.abs(a - b) / a < 0.005 && b > 0.05) {
        this.report('plateau', 'train', {
          severity: 'info', title: 'The training loss has plateaued', layers: [], step: e.step, epoch: e.epoch,
          evidence: [`training loss ${fmt(a)} two epochs ago, ${fmt(b)} now`],
          explanation: 'Progress stalled while the loss is not small: a lower learning rate can settle into a better minimum, a higher one can leave a flat region.',
          remedies: [R.schedule, R.adam], source: 'run',
        });
      }
    }
  }
}

/** Replays a run's events through the checks: a run can be checked after the fact. */
export function diagnose(events: RunEvent[]): Finding[] {
  const d = new Diagnoser();
  for (const e of events) d.ingest(e);
  return d.findings;
}
