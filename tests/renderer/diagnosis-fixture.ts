// A diagnosis written by hand in the shapes the engine emits (shared/diagnosis/finding.ts,
// diagnosis.ts): a 4-layer ReLU MLP trained with plain SGD at learning rate 5. The huge first
// updates kill dense_2's and dense_3's units, gradients then vanish and the loss goes flat; the
// cause is the learning rate. One finding the cause does not explain (the initial loss).
import type { Finding, Metric } from '../../shared/diagnosis/finding.ts';
import type { Diagnosis } from '../../shared/diagnosis/diagnosis.ts';

const steps = Array.from({ length: 24 }, (_, i) => i * 5);
const curve = (from: number, to: number, k = 0.15) => steps.map((s, i) => to + (from - to) * Math.exp(-k * i));

export const METRICS: Record<'update' | 'dead' | 'grad', Metric> = {
  update: { id: 'update_ratio', label: 'median update ratio', format: 'num', better: 'low', threshold: 0.1 },
  dead: { id: 'dead_fraction', label: 'dead fraction', format: 'pct', better: 'low', threshold: 0.4 },
  grad: { id: 'grad_rms_ratio', label: 'RMS gradient vs the output layer', format: 'num', better: 'high', threshold: 1e-3 },
};

const base = { epoch: 0, explanation: '', remedies: [], source: 'activations' as const };

export const FINDINGS: Finding[] = [
  {
    ...base, id: 'lr_too_high', kind: 'lr_too_high', severity: 'error', title: 'The learning rate is too high: update ratio 46', layers: [], step: 3,
    metric: METRICS.update, value: 46, source: 'weights',
    evidence: ['median update ratio |dW|/|W| 46 at step 3 (healthy about 1e-3; threshold 0.1)', 'the loss rose from 2.3 to 9.8 in the first 10 steps'],
    explanation: 'Each step changes the weights by many times their size: the first updates throw the weights far from where they started.',
    remedies: [{ text: 'a 10x lower learning rate', fix: 'lower_lr' }, { text: 'gradient clipping by global norm (1.0)', fix: 'clip_norm' }],
  },
  {
    ...base, id: 'dead_units', kind: 'dead_units', severity: 'warning', title: 'Dead units: 66% of dense_2\'s units', layers: ['dense_2', 'dense_3'], step: 20,
    metric: METRICS.dead, value: 0.66,
    perLayer: [
      { layer: 'dense_2', value: 0.66, step: 20, series: curve(0.05, 0.66, 0.4), seriesSteps: steps },
      { layer: 'dense_3', value: 0.48, step: 25, series: curve(0.02, 0.5, 0.3), seriesSteps: steps },
    ],
    evidence: ['66% of dense_2\'s units never fire on the probe batch at step 20 (threshold 40%)', 'alive at the first collection: 5% dead at step 0'],
    explanation: 'A dead ReLU outputs zero for every input and gets no gradient: it never recovers.',
    remedies: [{ text: 'a 10x lower learning rate', fix: 'lower_lr' }, { text: 'leaky ReLU', fix: 'leaky_relu' }],
  },
  {
    ...base, id: 'vanishing_gradients', kind: 'vanishing_gradients', severity: 'warning', title: 'Vanishing gradients: dense_1 gets 2e-6 of the output layer\'s', layers: ['dense_1'], step: 30,
    metric: METRICS.grad, value: 2e-6, source: 'gradients',
    perLayer: [{ layer: 'dense_1', value: 2e-6, step: 30, series: steps.map((_, i) => 0.5 * Math.exp(-0.6 * i) + 1e-6), seriesSteps: steps }],
    evidence: ['RMS gradient of dense_1 is 2.0e-6 of the output layer\'s at step 30 (threshold 1e-3)'],
    explanation: 'The gradient shrinks on its way back through the dead layers, so the first layer barely learns.',
    remedies: [{ text: 'He initialisation for ReLU-family layers', fix: 'he_init' }],
  },
  {
    ...base, id: 'plateau', kind: 'plateau', severity: 'info', title: 'The training loss is flat at 2.30 (ln 10)', layers: [], step: 110, source: 'run',
    evidence: ['training loss 2.303 two epochs ago, 2.302 now'], explanation: 'The model predicts the class frequencies and nothing else.', remedies: [],
  },
  {
    ...base, id: 'init_loss_mismatch', kind: 'init_loss_mismatch', severity: 'warning', title: 'The initial loss is 3.1, expected about 2.3', layers: [], step: 0, source: 'run',
    metric: { id: 'initial_loss', label: 'initial loss', format: 'num', better: 'band', threshold: 1.3 }, value: 3.1,
    evidence: ['initial loss 3.1, expected about 2.3 (-log(1/10))'], explanation: 'The output layer starts confidently wrong.', remedies: [{ text: 'Glorot initialisation for the output layer', fix: 'glorot_init' }],
  },
];

export const DIAGNOSIS: Diagnosis = {
  cause: {
    kind: 'lr_too_high', confidence: 0.82, title: 'The learning rate is too high (5 with SGD)',
    chain: ['lr_too_high', 'dead_units', 'vanishing_gradients', 'plateau'],
    links: [
      { kind: 'lr_too_high', text: 'learning rate 5 with plain SGD', step: -1, layers: [] },
      { kind: 'lr_too_high', text: 'large updates in the first steps (update ratio 46 at step 3)', step: 3, layers: [] },
      { kind: 'dead_units', text: '66% of dense_2\'s units died', step: 20, layers: ['dense_2', 'dense_3'] },
      { kind: 'vanishing_gradients', text: 'gradients vanished below them (dense_1: 2e-6 of the output layer\'s)', step: 30, layers: ['dense_1'] },
      { kind: 'plateau', text: 'loss flat at ln 10 = 2.30', step: 110, layers: [] },
    ],
    layers: ['dense_1', 'dense_2', 'dense_3'], step: 3,
    explanation: 'The units were alive at initialisation and died after the first, huge updates: the step size, not the initialisation, killed them. Dead units then pass no gradient, so the update ratios below look tiny; raising the learning rate would make it worse.',
    remedies: [{ text: 'a 10x lower learning rate (0.5)', fix: 'lower_lr' }, { text: 'gradient clipping by global norm (1.0)', fix: 'clip_norm' }, { text: 'a learning-rate warm-up' }],
    explains: ['lr_too_high', 'dead_units', 'vanishing_gradients', 'plateau'],
    alternatives: [{ kind: 'dead_at_init', confidence: 0.1 }, { kind: 'bad_init_scale', confidence: 0.06 }],
  },
  groups: FINDINGS.map((f) => ({ kind: f.kind, severity: f.severity, layers: f.layers, step: f.step, title: f.title, explainedBy: f.kind === 'init_loss_mismatch' ? null : 'lr_too_high' })),
  vitals: {
    step: 115,
    layers: { dense_1: { grad_rms_ratio: 2e-6, dead_fraction: 0.1 }, dense_2: { dead_fraction: 0.66 }, dense_3: { dead_fraction: 0.5 } },
    model: { update_ratio: 1e-6, loss: 2.302 },
  },
};
