// "Try the fix": each remedy that can be expressed in the spec, as a pure function from a spec
// to its variant. The app runs the variant for a short budget beside the original and shows
// whether the symptom went away. A fix that would leave the spec as it is (Adam for an Adam run,
// He for a tanh layer) is not a remedy for that run: `changesSpec` says so, and the diagnosis
// never offers it.
import type { LayerSpec, RunSpec } from '../spec.ts';
import type { Finding, FixId } from './finding.ts';
import { initializerFamily, initializerFor, layerName } from '../layers.ts';

type Weighted = Extract<LayerSpec, { type: 'dense' | 'conv2d' }>;
const isWeighted = (l: LayerSpec): l is Weighted => l.type === 'dense' || l.type === 'conv2d';
const initName = (l: Weighted) => (typeof l.kernelInitializer === 'string' ? l.kernelInitializer : l.kernelInitializer.type);
const NON_SATURATING = new Set(['leaky_relu', 'elu', 'selu']);
const ADAPTIVE = new Set(['adam', 'nadam', 'adamax', 'rmsprop', 'adagrad']);

/** Scales the rate the run uses: the optimiser's, and a piecewise schedule's values (which replace it). */
function scaleRate(s: RunSpec, by: number) {
  s.training.optimizer = { ...s.training.optimizer, learningRate: s.training.optimizer.learningRate * by };
  const sched = s.training.schedule as RunSpec['training']['schedule'] | undefined; // (absent in specs recorded before schedules)
  if (sched?.type === 'piecewise') s.training.schedule = { ...sched, values: sched.values.map((v) => v * by) };
}

export const FIX_TITLES: Record<FixId, string> = {
  he_init: 'He initialisation', glorot_init: 'Glorot initialisation', lecun_init: 'LeCun initialisation', batchnorm: 'batch normalisation',
  clip_norm: 'clip gradients (global norm 1.0)', lower_lr: 'learning rate / 10', raise_lr: 'learning rate x 10', early_stopping: 'early stopping',
  leaky_relu: 'leaky ReLU', dropout: 'dropout 0.3', l2: 'L2 1e-4', standardize_inputs: 'standardised inputs', softmax_output: 'softmax output',
  adam: 'Adam', more_capacity: 'twice the units', zero_bias: 'zero bias initialisation', less_regularization: 'weaker regularisation',
  constant_schedule: 'constant learning rate',
};

/**
 * A variant of `spec` with the remedy applied. `finding` narrows layer-specific fixes to the
 * layers it lists (every affected layer of its group); without it they apply model-wide.
 */
export function applyFix(spec: RunSpec, fix: FixId, finding?: Pick<Finding, 'layers'>): RunSpec {
  const s: RunSpec = structuredClone(spec);
  const layers = s.model.layers;
  const lastWeighted = layers.map((l, i) => (isWeighted(l) ? i : -1)).filter((i) => i >= 0).at(-1) ?? -1;
  const target = (l: LayerSpec, i: number) => !finding?.layers.length || finding.layers.includes(layerName(l, i)) || finding.layers.some((n) => n.startsWith(`${layerName(l, i)}_`));
  const hidden = (l: LayerSpec, i: number): l is Weighted => isWeighted(l) && i !== lastWeighted;
  /** sets an initialiser family on the layers that want it and do not have it yet */
  const init = (family: 'he' | 'glorot' | 'lecun', wants: (l: Weighted, i: number) => boolean) =>
    layers.forEach((l, i) => { if (isWeighted(l) && wants(l, i) && initializerFamily(initName(l)) !== family) l.kernelInitializer = `${family}_normal`; });
  switch (fix) {
    case 'he_init':
      init('he', (l, i) => initializerFor(l.activation) === 'he' && target(l, i));
      break;
    case 'glorot_init':
      // the output layer as well: its scale sets the initial loss
      init('glorot', (l, i) => (initializerFor(l.activation) === 'glorot' || l.activation === 'linear') && (target(l, i) || i === lastWeighted));
      break;
    case 'lecun_init':
      init('lecun', (l) => initializerFor(l.activation) === 'lecun');
      break;
    case 'batchnorm':
      for (let i = layers.length - 1; i >= 0; i--) if (hidden(layers[i], i) && target(layers[i], i) && layers[i + 1]?.type !== 'batchnorm') layers.splice(i + 1, 0, { type: 'batchnorm', momentum: 0.99, epsilon: 1e-3 });
      break;
    case 'dropout':
      for (let i = layers.length - 1; i >= 0; i--) if (hidden(layers[i], i) && layers[i + 1]?.type !== 'dropout') layers.splice(i + 1, 0, { type: 'dropout', rate: 0.3 });
      break;
    case 'leaky_relu':
      layers.forEach((l, i) => { if (hidden(l, i) && target(l, i) && l.activation !== 'linear' && !NON_SATURATING.has(l.activation)) { l.activation = 'leaky_relu'; l.alpha = 0.1; l.kernelInitializer = 'he_normal'; } });
      break;
    case 'zero_bias':
      layers.forEach((l, i) => { if (isWeighted(l) && target(l, i) && l.biasInitializer !== 'zeros') l.biasInitializer = 'zeros'; });
      break;
    case 'l2':
      layers.forEach((l) => { if (isWeighted(l) && (l.kernelRegularizer?.l2 ?? 0) < 1e-4) l.kernelRegularizer = { l1: l.kernelRegularizer?.l1 ?? 0, l2: 1e-4 }; });
      break;
    case 'less_regularization':
      layers.forEach((l) => {
        if (l.type === 'dropout' && l.rate > 0.2) l.rate = 0.2;
        if (isWeighted(l)) for (const k of ['kernelRegularizer', 'biasRegularizer'] as const) {
          const r = l[k];
          if (r && (r.l1 > 1e-5 || r.l2 > 1e-4)) l[k] = { l1: Math.min(r.l1, 1e-5), l2: Math.min(r.l2, 1e-4) };
        }
      });
      break;
    case 'more_capacity':
      if (!layers.some((l, i) => hidden(l, i))) layers.splice(Math.max(0, lastWeighted), 0, { type: 'dense', units: 64, activation: 'relu', alpha: 0.3, kernelInitializer: 'he_normal', biasInitializer: 'zeros', useBias: true, trainable: true });
      else layers.forEach((l, i) => { if (hidden(l, i)) { if (l.type === 'dense') l.units = Math.max(32, l.units * 2); else l.filters = Math.max(16, l.filters * 2); } });
      break;
    case 'softmax_output': {
      const last = layers[lastWeighted];
      if (last && isWeighted(last)) last.activation = s.training.loss === 'binary_crossentropy' ? 'sigmoid' : 'softmax';
      break;
    }
    case 'clip_norm':
      s.training.clip = { ...s.training.clip, globalNorm: Math.min(1, s.training.clip.globalNorm ?? 1) };
      break;
    case 'lower_lr':
      scaleRate(s, 0.1);
      break;
    case 'raise_lr':
      scaleRate(s, 10);
      break;
    case 'adam':
      // (only from a non-adaptive optimiser: Nadam, AdaMax, RMSProp and AdaGrad adapt already)
      if (!ADAPTIVE.has(s.training.optimizer.type)) s.training.optimizer = { type: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
      break;
    case 'early_stopping':
      if (!s.training.earlyStopping?.restoreBestWeights) s.training.earlyStopping = { monitor: 'val_loss', minDelta: 0, patience: 3, mode: 'auto', baseline: null, restoreBestWeights: true };
      break;
    case 'constant_schedule':
      if (s.training.schedule && s.training.schedule.type !== 'constant') s.training.schedule = { type: 'constant' };
      break;
    case 'standardize_inputs':
      s.data.normalize = 'standardize';
      break;
  }
  s.name = `${spec.name}-${fix.replace(/_/g, '-')}`;
  return s;
}

/** Would the fix change anything in this run's spec (for these layers)? The name does not count. */
export function changesSpec(spec: RunSpec, fix: FixId, finding?: Pick<Finding, 'layers'>): boolean {
  const v = applyFix(spec, fix, finding);
  return JSON.stringify({ ...v, name: spec.name }) !== JSON.stringify(spec);
}
