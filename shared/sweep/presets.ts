// The course's comparisons, built from one run spec as small grid sweeps: the eight optimisers,
// the initialisers, the activations, with and without batch normalisation, the learning-rate
// schedules. Each changes one thing and keeps the rest of the spec, so the comparison view shows
// what that one thing does. Hidden layers only: the output layer's activation and initialiser
// follow from the task and stay.
import type { LayerSpec, RunSpec } from '../spec.ts';

export interface ComparisonPreset {
  id: 'optimizers' | 'initializers' | 'activations' | 'batchnorm' | 'schedules';
  title: string;
  /** what the comparison should show, in the course's terms */
  expect: string;
  /** a sweep file's content, with the base spec inline */
  sweep: Record<string, unknown>;
}

type Weighted = Extract<LayerSpec, { type: 'dense' | 'conv2d' }>;
const isWeighted = (l: LayerSpec): l is Weighted => l.type === 'dense' || l.type === 'conv2d';

/** The indices of the weighted layers before the output layer (the last weighted one). */
export function hiddenWeighted(layers: readonly LayerSpec[]): number[] {
  const weighted = layers.map((l, i) => (isWeighted(l) ? i : -1)).filter((i) => i >= 0);
  return weighted.slice(0, -1);
}

/** Piecewise constant: a tenth of the rate from half-way, a hundredth from three quarters (in steps for a one-epoch run). */
function piecewise(epochs: number, stepsPerEpoch: number, lr: number) {
  const half = Math.floor(epochs / 2), late = Math.floor((3 * epochs) / 4);
  if (half >= 1 && late > half && late < epochs) return { type: 'piecewise', unit: 'epoch', boundaries: [half, late], values: [lr, lr / 10, lr / 100] };
  if (half >= 1 && half < epochs) return { type: 'piecewise', unit: 'epoch', boundaries: [half], values: [lr, lr / 10] };
  return { type: 'piecewise', unit: 'step', boundaries: [Math.max(1, Math.floor((stepsPerEpoch * epochs) / 2))], values: [lr, lr / 10] };
}

const sweepOf = (spec: RunSpec, id: string, parameters: Record<string, unknown>) => ({
  name: `${spec.name}-${id}`.slice(0, 100), base: spec, method: 'grid', metric: spec.data.validation === 0 ? 'train_loss' : 'val_loss',
  goal: 'minimize', concurrency: 2, seed: spec.seed, parameters,
});

/** The initialiser the course recommends for an activation. */
export function recommendedInitializer(activation: string): string {
  if (activation === 'selu') return 'lecun_normal';
  if (activation === 'relu' || activation === 'leaky_relu' || activation === 'elu') return 'he_normal';
  return 'glorot_uniform';
}

/** The hidden layers with batch normalisation after each weighted one, before its activation (no bias: BN's shift replaces it). */
export function withBatchNorm(layers: readonly LayerSpec[]): LayerSpec[] {
  const hidden = new Set(hiddenWeighted(layers));
  return layers.flatMap((l, i): LayerSpec[] => {
    if (!hidden.has(i) || !isWeighted(l)) return [l];
    const { activation, alpha } = l;
    return [
      { ...l, activation: 'linear', useBias: false } as LayerSpec,
      { type: 'batchnorm', momentum: 0.99, epsilon: 1e-3 } as LayerSpec,
      ...(activation === 'linear' ? [] : [{ type: 'activation', activation, alpha } as LayerSpec]),
    ];
  });
}

export function comparisonPresets(spec: RunSpec, stepsPerEpoch: number): ComparisonPreset[] {
  const presets: ComparisonPreset[] = [];
  const hidden = hiddenWeighted(spec.model.layers);
  const epochs = spec.training.epochs;
  const lr = spec.training.optimizer.learningRate;
  const totalSteps = Math.max(1, stepsPerEpoch * epochs);

  presets.push({
    id: 'optimizers', title: 'The eight optimisers',
    expect: 'each at its usual default learning rate: plain SGD slowest, momentum and Nesterov faster, the adaptive ones (AdaGrad, RMSProp, Adam, Nadam, AdaMax) fastest early; AdaGrad can stall as its rate shrinks',
    // (the type alone: each optimiser gets the schema's default rate and settings for it)
    sweep: sweepOf(spec, 'optimizers', { 'training.optimizer': { values: ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'nadam', 'adamax'].map((type) => ({ type })) } }),
  });

  if (hidden.length) {
    // Each variant is the whole layer list, labelled: a change to several layers at once stays one trial.
    const layersWith = (change: (l: Weighted) => Partial<Weighted>) => spec.model.layers.map((l, i) => (hidden.includes(i) ? { ...l, ...change(l as Weighted) } as LayerSpec : l));
    const activation = (spec.model.layers[hidden[0]] as Weighted).activation;
    const best = recommendedInitializer(activation);
    const inits = [['glorot_uniform', 'Glorot'], ['he_normal', 'He'], ['lecun_normal', 'LeCun'], [{ type: 'random_normal', mean: 0, stddev: 1 }, 'N(0,1)']] as const;
    presets.push({
      id: 'initializers', title: `Initialisers for ${activation}`,
      expect: `${inits.find(([k]) => k === best)![1]} should start best with ${activation}; N(0,1) should saturate or explode`,
      sweep: sweepOf(spec, 'initializers', {
        'model.layers': { values: inits.map(([kernelInitializer]) => layersWith(() => ({ kernelInitializer } as Partial<Weighted>))), labels: inits.map(([, label]) => label) },
      }),
    });
    const activations = ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'elu', 'selu'] as const;
    presets.push({
      id: 'activations', title: 'Activations (each with its initialiser)',
      expect: 'sigmoid slowest (saturation, vanishing gradients), tanh better, the ReLU family and SELU fastest; SELU self-normalises only in a plain dense stack with LeCun initialisation',
      // each activation with the initialiser the course pairs it with: a comparison of activations, not of bad initialisations
      sweep: sweepOf(spec, 'activations', {
        'model.layers': { values: activations.map((a) => layersWith(() => ({ activation: a, kernelInitializer: recommendedInitializer(a) } as Partial<Weighted>))), labels: [...activations] },
      }),
    });
    presets.push({
      id: 'batchnorm', title: 'With and without batch normalisation',
      expect: 'batch normalisation should train faster per epoch and tolerate a higher learning rate',
      sweep: sweepOf(spec, 'batchnorm', { 'model.layers': { values: [spec.model.layers, withBatchNorm(spec.model.layers)], labels: ['without batch norm', 'with batch norm'] } }),
    });
  }

  presets.push({
    id: 'schedules', title: 'Learning-rate schedules',
    expect: 'a schedule that lowers the rate late should end lower than the constant rate; reduce-on-plateau reacts to the validation loss',
    sweep: sweepOf(spec, 'schedules', {
      'training.schedule': {
        values: [
          { type: 'constant' },
          // (each brings the rate down about tenfold over the run)
          { type: 'exponential', decaySteps: totalSteps, decayRate: 0.1 },
          { type: 'power', decaySteps: Math.max(1, Math.round(totalSteps / 9)), power: 1 },
          piecewise(epochs, stepsPerEpoch, lr),
          { type: 'reduce_on_plateau', monitor: spec.data.validation === 0 ? 'loss' : 'val_loss', factor: 0.5, patience: 1 },
        ],
        labels: ['constant', 'exponential', 'power', 'piecewise constant', 'reduce on plateau'],
      },
    }),
  });
  return presets;
}
