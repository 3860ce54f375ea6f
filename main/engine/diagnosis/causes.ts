// From symptoms to a cause. Each rule reads the grouped findings and a few facts about *when*
// things happened (units dead at initialisation are a different problem from units that died
// after huge updates), and proposes a cause with a score and the findings it explains. The
// strongest names the run's most likely cause; the findings it explains are shown under it as
// the chain from the cause to what can be seen, not as separate advice.
import type { RunSpec } from '../../../shared/spec.ts';
import type { Finding, FindingKind, Remedy } from '../../../shared/diagnosis/finding.ts';
import type { Cause, CauseKind, CauseLink, DiagnosisGroup } from '../../../shared/diagnosis/diagnosis.ts';
import { canSaturate, type LayerInfo } from '../../../shared/layers.ts';
import { fmt, layerList, pct } from './format.ts';
import { R } from './remedies.ts';

/** When things happened: what the findings alone do not say. */
export interface RunFacts {
  spec: RunSpec;
  layers: LayerInfo[];
  /** layers whose initial weights are more than 5x off the scale their activation wants, with the factor */
  initScaleOff: Map<string, number>;
  /** the learning rate each step used (a schedule changes it), and the spec's starting rate */
  lrAt: (step: number) => number;
  /** layers whose units were dead / saturated at initialisation (the init probe), with the fraction */
  deadAtInit: Map<string, number>;
  satAtInit: Map<string, number>;
  /** the largest kernel update ratio seen, where and when */
  maxRatio: { value: number; step: number; layer: string } | null;
  /** the first step at which the update ratio or the loss showed the learning rate too high */
  tooHighStep: number | null;
  initialLoss: number | null;
  expectedLoss: number | null;
  /** the run stopped because it diverged */
  diverged: { step: number; reason: string } | null;
}

interface Candidate {
  kind: CauseKind;
  score: number;
  title: string;
  /** the cause's own link: what shows it, with its number */
  first: Omit<CauseLink, 'kind'>;
  explanation: string;
  remedies: Remedy[];
  /** finding kinds this cause accounts for, when present */
  explains: FindingKind[];
  /** finding kinds that are this cause's own evidence (explained by it, not listed in the chain) */
  own: FindingKind[];
}

const OUTCOMES: FindingKind[] = ['underfitting', 'plateau'];
/** optimisers whose step is lr x gradient: there weight decay moves the weights by 2 * lr * l2 of their size */
const PLAIN_SGD = new Set(['sgd', 'momentum', 'nesterov']);
const warn = (f: Finding | undefined) => !!f && f.severity !== 'info';

function weightedHidden(layers: LayerInfo[]) {
  const w = layers.filter((l) => l.variables.length > 0 && /dense|conv/i.test(l.className));
  return w.slice(0, -1);
}

function rules(f: Map<FindingKind, Finding>, x: RunFacts): Candidate[] {
  const out: Candidate[] = [];
  const has = (k: FindingKind) => warn(f.get(k));
  const spec = x.spec;
  const lr = spec.training.optimizer.learningRate;
  const opt = spec.training.optimizer.type;
  const dead = f.get('dead_units'), sat = f.get('saturated_units');
  const deadLater = (dead?.perLayer ?? []).filter((l) => !x.deadAtInit.has(l.layer));
  const satLater = (sat?.perLayer ?? []).filter((l) => !x.satAtInit.has(l.layer));

  const mismatch = f.get('output_loss_mismatch');
  const inputs = f.get('inputs_not_scaled');
  const scale = f.get('init_activation_scale'), lossInit = f.get('init_loss_mismatch'), initName = f.get('init_mismatched_initializer');
  const satInit = [...x.satAtInit.keys()];
  const initHigh = !!lossInit && x.initialLoss !== null && x.expectedLoss !== null && x.initialLoss > x.expectedLoss;
  /** something already wrong before the first update */
  const initAnomaly = !!inputs || !!scale || satInit.length > 0 || x.deadAtInit.size > 0 || x.initScaleOff.size > 0 || (initHigh && !mismatch);
  const schedule = spec.training.schedule?.type ?? 'constant'; // (absent in logs older than schedules)
  if (mismatch) {
    out.push({
      kind: 'output_loss_mismatch', score: 0.95, title: 'The output layer does not match the loss',
      first: { text: mismatch.evidence[0], step: -1, layers: mismatch.layers },
      explanation: 'The loss reads the outputs as probabilities they are not: the loss can fall while accuracy stays at chance, or training stalls.',
      remedies: [R.softmax], own: ['output_loss_mismatch'],
      explains: ['init_loss_mismatch', 'lr_too_low', 'vanishing_gradients', 'saturated_units', 'dead_units', 'non_finite', 'exploding_gradients', 'lr_too_high', ...OUTCOMES],
    });
  }

  if (inputs) {
    const firstW = weightedHidden(x.layers)[0]?.name;
    const consequences = (firstW && x.satAtInit.has(firstW)) || has('init_loss_mismatch') || has('exploding_gradients') || has('non_finite') || has('lr_too_high') || has('saturated_units') || has('dead_units');
    out.push({
      kind: 'inputs_not_scaled', score: consequences ? 0.92 : 0.6, title: 'The inputs are not scaled',
      first: { text: inputs.evidence[0], step: -1, layers: [] },
      explanation: 'Large or off-centre inputs put the first layer\'s pre-activations far from zero: units saturate or die, the first loss is huge and the gradients of the first layer dominate every update.',
      remedies: [R.scale, R.bn], own: ['inputs_not_scaled'],
      explains: ['saturated_units', 'init_loss_mismatch', 'exploding_gradients', 'non_finite', 'lr_too_high', 'dead_units', 'vanishing_gradients', 'lr_too_low', 'init_activation_scale', ...OUTCOMES],
    });
  }

  if (x.deadAtInit.size) {
    const layers = [...x.deadAtInit.keys()];
    const worst = [...x.deadAtInit.entries()].sort((a, b) => b[1] - a[1])[0];
    out.push({
      kind: 'dead_at_init', score: 0.85, title: `Units dead from the start: ${pct(worst[1])} of ${worst[0]}'s units at initialisation`,
      first: { text: `${pct(worst[1])} of ${worst[0]}'s units output zero for every probe input at initialisation${layers.length > 1 ? ` (${layerList(layers)})` : ''}`, step: 0, layers },
      explanation: 'These ReLU units never fired, before any update: their pre-activations start below zero for every input (a negative bias, or weights that push them there), so they get no gradient and never recover. The small updates and weak gradients that follow come from them, not from the learning rate.',
      remedies: [R.zeroBias, R.he, R.leaky, R.bn], own: [],
      explains: ['dead_units', 'vanishing_gradients', 'lr_too_low', 'init_activation_scale', ...OUTCOMES],
    });
  }

  if (scale || (satInit.length && !inputs) || (initHigh && !mismatch) || warn(initName)) {
    // measured at initialisation (the signal's scale, saturation) beats a suspect initialiser;
    // weights 5x off their activation's scale beat one merely named for another activation
    const score = scale || (satInit.length > 0 && !inputs) ? 0.86
      : initHigh && !mismatch ? (x.initialLoss! > 2 * x.expectedLoss! ? 0.8 : 0.7) : x.initScaleOff.size ? 0.75 : 0.55;
    const first = scale ? { text: scale.evidence.at(-1) ?? scale.evidence[0], step: 0, layers: scale.layers }
      : satInit.length ? { text: `${pct(x.satAtInit.get(satInit[0])!)} of ${satInit[0]}'s outputs saturated at initialisation${satInit.length > 1 ? ` (${layerList(satInit)})` : ''}`, step: 0, layers: satInit }
      : initHigh ? { text: lossInit!.evidence[0], step: 0, layers: [] }
      : { text: initName!.evidence[0], step: -1, layers: initName!.layers };
    out.push({
      kind: 'bad_init_scale', score, title: 'The initial weights have the wrong scale',
      first, explanation: 'The initialiser sets the scale of every layer\'s output at the start. Too large and sigmoid/tanh units saturate (and the output layer starts confidently wrong); too small and the signal fades layer after layer. Either way the gradients vanish or explode before training has begun (Glorot & Bengio 2010; He et al. 2015).',
      // (each applies only where its activation is; the card offers those that change this spec)
      remedies: [R.he, R.glorot, R.lecun, R.bn],
      own: ['init_activation_scale', 'init_loss_mismatch', 'init_mismatched_initializer'],
      explains: ['saturated_units', 'vanishing_gradients', 'exploding_gradients', 'lr_too_low', 'dead_units', 'non_finite', 'lr_too_high', ...OUTCOMES],
    });
  }

  const high = f.get('lr_too_high');
  const ratio = x.maxRatio;
  if (high || (ratio && ratio.value > 1) || x.diverged) {
    const big = ratio && ratio.value > 1;
    const killed = deadLater.length > 0 || satLater.length > 0;
    // Time separates causes: updates that were too large from the first collection, in a model
    // that was already off at initialisation (unscaled inputs, wrong weight scale), follow from
    // that set-up; the learning rate is then a suspect, not the cause.
    const firstLook = Math.max(1, spec.instruments.every);
    const fromSetup = initAnomaly && x.tooHighStep !== null && x.tooHighStep <= firstLook;
    // weight decay alone moves the weights by about 2 * lr * l2 of their size each step
    const fromDecay = PLAIN_SGD.has(opt) && 2 * lr * strongestL2(spec) >= spec.diagnosis.updateRatioHigh;
    // a schedule that raised the rate well above the spec's is where the rate came from
    const at = x.tooHighStep ?? ratio?.step ?? 0;
    const used = x.lrAt(at);
    const raised = schedule !== 'constant' && used > 1.5 * lr;
    const score = fromSetup || fromDecay ? 0.6 : (big || (high && /median update ratio/.test(high.evidence[0])) ? 0.9 : 0.7) + (killed ? 0.04 : 0);
    out.push({
      kind: 'lr_too_high', score: x.diverged && !big ? Math.max(score, 0.85) : score,
      title: raised ? `The ${schedule} schedule raised the learning rate too high (${fmt(used)} with ${opt} at step ${at}, from ${fmt(lr)})` : `The learning rate is too high (${fmt(used)} with ${opt})`,
      first: big ? { text: `large updates from step ${ratio!.step}: update ratio ${fmt(ratio!.value)} in ${ratio!.layer} at learning rate ${fmt(x.lrAt(ratio!.step))}`, step: ratio!.step, layers: [ratio!.layer] }
        : high ? { text: high.evidence[0], step: high.step, layers: [] } : { text: x.diverged!.reason, step: x.diverged!.step, layers: [] },
      explanation: 'Each step moves the weights by a large fraction of their size, so training overshoots: the loss jumps or climbs, ReLUs pushed below zero die, tanh/sigmoid units are driven into saturation, and the small updates seen afterwards are the wreckage, not a learning rate too low.',
      remedies: raised ? [R.constant, R.lower, R.clip] : [R.lower, R.clip, R.schedule], own: ['lr_too_high'],
      explains: ['exploding_gradients', 'non_finite', ...(deadLater.length ? ['dead_units' as const] : []), ...(satLater.length ? ['saturated_units' as const] : []), 'vanishing_gradients', 'lr_too_low', 'init_loss_mismatch', ...OUTCOMES],
    });
  }

  const low = f.get('lr_too_low');
  const alive = !dead && !sat && !has('vanishing_gradients') && x.deadAtInit.size === 0;
  if (low && x.tooHighStep === null && alive) {
    const used = x.lrAt(low.step);
    const decayed = schedule !== 'constant' && used < 0.1 * lr;
    out.push({
      kind: 'lr_too_low', score: 0.8,
      title: decayed ? `The ${schedule} schedule decayed the learning rate too far (${fmt(used)} with ${opt} at step ${low.step}, from ${fmt(lr)})` : `The learning rate is too low (${fmt(used)} with ${opt})`,
      first: { text: low.evidence[0], step: low.step, layers: [] },
      explanation: decayed ? 'The schedule shrank the rate until the weights barely move: training stopped long before the loss did.'
        : 'Units are alive and gradients flow, yet each step changes the weights by a tiny fraction: the learning rate, not the network, holds training back.',
      remedies: decayed ? [R.constant] : [R.raise, R.adam], own: ['lr_too_low'], explains: [...OUTCOMES],
    });
  }

  const vanish = f.get('vanishing_gradients');
  const saturating = weightedHidden(x.layers).filter((l) => canSaturate(l.unitKind));
  if (warn(vanish) && saturating.length >= 3) {
    const unit = saturating[0].unitKind;
    out.push({
      kind: 'deep_saturating_stack', score: 0.72, title: `A deep stack of ${unit} layers: the gradient fades on its way back`,
      first: { text: `${saturating.length} ${unit} layers in a row, each multiplying the backward signal by its derivative (at most ${unit === 'sigmoid' ? '0.25' : '1'})`, step: -1, layers: saturating.map((l) => l.name) },
      explanation: `Each ${saturating[0].unitKind} layer multiplies the backward signal by its derivative (at most ${saturating[0].unitKind === 'sigmoid' ? '0.25' : '1'}): through ${saturating.length} of them the first layers get almost nothing (Glorot & Bengio 2010). ReLU-family activations with He initialisation, or batch normalisation, keep it flowing.`,
      remedies: [R.leaky, R.bn, R.he], own: [], explains: ['vanishing_gradients', 'saturated_units', 'lr_too_low', ...OUTCOMES],
    });
  }

  // Units that were fine at initialisation and died or saturated later, with no update large
  // enough to call the learning rate too high: the activation cannot recover from where training took it.
  if ((deadLater.length || satLater.length) && !high && !(ratio && ratio.value > 1)) {
    const lost = [...deadLater, ...satLater];
    const worst = lost.reduce((a, b) => (b.value > a.value ? b : a));
    out.push({
      kind: 'units_lost_in_training', score: 0.5, title: `Units lost during training: ${pct(worst.value)} of ${worst.layer}'s units ${deadLater.includes(worst) ? 'died' : 'saturated'}`,
      first: { text: `${worst.layer}: ${pct(worst.value)} of its units ${deadLater.includes(worst) ? 'dead' : 'saturated'} by step ${worst.step}, though fine at initialisation`, step: worst.step, layers: lost.map((l) => l.layer) },
      explanation: 'Units that worked at the start were pushed where they get no gradient, without any single update large enough to blame the learning rate outright. Activations that always pass some gradient (leaky ReLU, ELU) cannot get stuck there; a somewhat lower learning rate or batch normalisation keeps pre-activations in range.',
      remedies: [R.leaky, R.lower, R.bn], own: [], explains: ['dead_units', 'saturated_units', 'vanishing_gradients', 'lr_too_low', ...OUTCOMES],
    });
  }

  // Weight decay alone can make the update ratio look like a learning rate too high: a strong
  // penalty holds the weights near zero, so every step moves them by a large fraction.
  const decayRatio = PLAIN_SGD.has(opt) ? 2 * lr * strongestL2(spec) : 0;
  if (high && decayRatio >= spec.diagnosis.updateRatioHigh && !f.get('underfitting')) {
    out.push({
      kind: 'over_regularized', score: 0.75, title: 'Weight decay this strong dominates every update',
      first: { text: `L2 (or 10x L1) weight penalty ${fmt(strongestL2(spec))}: weight decay alone shrinks the weights by about ${pct(Math.min(1, decayRatio))} a step`, step: -1, layers: [] },
      explanation: 'The penalty pulls the weights toward zero so hard that each step moves them by a large fraction of their size: the update ratio looks like a learning rate too high, and the model is held far from what the data asks.',
      remedies: [R.lessReg], own: [], explains: ['lr_too_high', 'dead_units', 'plateau'],
    });
  }

  const under = f.get('underfitting');
  if (under) {
    const dropout = Math.max(0, ...spec.model.layers.map((l) => (l.type === 'dropout' ? l.rate : 0)));
    const l2 = strongestL2(spec);
    if (dropout >= 0.5 || l2 >= 1e-2) {
      const decay = PLAIN_SGD.has(opt) ? 2 * lr * l2 : 0;
      out.push({
        kind: 'over_regularized', score: decay >= spec.diagnosis.updateRatioHigh ? 0.92 : 0.78, title: 'Regularisation too strong for the model to fit',
        first: { text: dropout >= 0.5 ? `dropout rate ${fmt(dropout)}` : `L2 (or 10x L1) weight penalty ${fmt(l2)}${decay ? `: weight decay alone shrinks the weights by about ${pct(Math.min(1, decay))} a step` : ''}`, step: -1, layers: [] },
        explanation: 'The penalty or the dropout is so strong that the model cannot fit even the training data: the training accuracy stays low. A strong weight penalty also holds the weights near zero, so every update is large next to them: the update ratio looks like a learning rate too high.',
        remedies: [R.lessReg], own: [], explains: ['underfitting', 'plateau', 'lr_too_low', 'dead_units', ...(decay >= spec.diagnosis.updateRatioHigh ? ['lr_too_high' as const] : [])],
      });
    }
    // (only when the network is otherwise healthy: dead, saturated or starved layers fit nothing either)
    const healthyOtherwise = !dead && !sat && !has('vanishing_gradients');
    out.push({
      kind: 'too_little_capacity', score: !healthyOtherwise ? 0.4 : weightedHidden(x.layers).length === 0 ? 0.7 : 0.6, title: 'The model is too small for the task',
      first: { text: under.evidence[0], step: under.step, layers: [] },
      explanation: 'Gradients flow and updates are healthy, yet the model cannot fit the training data: it needs more units or layers (or better features).',
      remedies: [R.capacity], own: [], explains: ['underfitting', 'plateau'],
    });
  }

  const over = f.get('overfitting');
  if (over) {
    out.push({
      kind: 'overfitting', score: 0.7, title: 'The model memorises the training set',
      first: { text: over.evidence[0], step: over.step, layers: [] },
      explanation: over.explanation, remedies: [R.early, R.dropout, R.l2, R.augment], own: ['overfitting'], explains: ['plateau'],
    });
  }

  const imbalance = f.get('class_imbalance');
  if (imbalance) {
    out.push({
      kind: 'class_imbalance', score: 0.6, title: imbalance.title, first: { text: imbalance.evidence[0], step: -1, layers: [] },
      explanation: imbalance.explanation, remedies: [R.weights], own: ['class_imbalance'], explains: ['underfitting', 'plateau'],
    });
  }

  const nonFinite = f.get('non_finite');
  if (nonFinite) {
    out.push({
      kind: 'numerical_instability', score: 0.6, title: 'A computation overflowed',
      first: { text: nonFinite.evidence[0], step: nonFinite.step, layers: nonFinite.layers },
      explanation: 'NaN or Inf appeared without updates large enough to explain it: look at the data (NaN, huge values) and at operations that can overflow.',
      remedies: [R.checkData, R.lower, R.clip], own: ['non_finite'], explains: ['exploding_gradients', ...OUTCOMES],
    });
  }
  return out;
}

/** The strongest weight penalty in the model, L1 counted as 10x L2 (a rough equivalence near the weights' scale). */
function strongestL2(spec: RunSpec): number {
  return Math.max(0, ...spec.model.layers.map((l) => ((l.type === 'dense' || l.type === 'conv2d') ? Math.max(l.kernelRegularizer?.l2 ?? 0, 10 * (l.kernelRegularizer?.l1 ?? 0)) : 0)));
}

/** The most likely cause of the run's problems, or null when nothing warrants one. */
export function nameCause(findings: Finding[], x: RunFacts): { cause: Cause | null; groups: DiagnosisGroup[] } {
  const byKind = new Map<FindingKind, Finding>();
  for (const f of findings) if (!byKind.has(f.kind)) byKind.set(f.kind, f);
  const problems = [...byKind.values()].filter(warn);
  const candidates = problems.length || x.diverged ? rules(byKind, x) : [];
  // a cause must account for something the run shows (its own evidence, or a symptom)
  const present = (c: Candidate) => [...c.own, ...c.explains].filter((k) => warn(byKind.get(k)));
  const viable = candidates.filter((c) => present(c).length > 0 || (c.kind === 'lr_too_high' && x.diverged));
  // the strongest; at equal strength the earlier rule (set-up before dynamics before outcomes)
  const best = viable.reduce<Candidate | null>((a, c) => (!a || c.score > a.score + 1e-9 ? c : a), null);
  let cause: Cause | null = null;
  if (best) {
    const explained = present(best).map((k) => byKind.get(k)!).filter((f) => !best.own.includes(f.kind)).sort((a, b) => a.step - b.step);
    const links: CauseLink[] = [{ kind: best.kind, ...best.first }, ...explained.map((f) => ({ kind: f.kind, text: f.evidence[0], step: f.step, layers: f.layers }))];
    cause = {
      kind: best.kind, confidence: Math.round(best.score * 100) / 100, title: best.title,
      chain: [best.kind, ...explained.map((f) => f.kind)], links,
      layers: [...new Set([...best.first.layers, ...best.own.flatMap((k) => byKind.get(k)?.layers ?? []), ...explained.flatMap((f) => f.layers)])],
      step: best.first.step, explanation: best.explanation, remedies: best.remedies,
      explains: present(best),
      alternatives: viable.filter((c) => c !== best).sort((a, b) => b.score - a.score).map((c) => ({ kind: c.kind, confidence: Math.round(c.score * 100) / 100 })),
    };
  }
  const groups: DiagnosisGroup[] = [...byKind.values()].map((f) => ({
    kind: f.kind, severity: f.severity, layers: f.layers, step: f.step, title: f.title,
    explainedBy: cause && cause.explains.includes(f.kind) ? cause.kind : null,
  }));
  return { cause, groups };
}
