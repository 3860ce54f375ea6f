// The overfit check's spec: the user's model and data, cut down to a small subset with every
// regulariser switched off (dropout, noise, augmentation, L1/L2, early stopping), a constant
// learning rate, and no held-out splits. A model that cannot fit that has a bug, not a
// generalisation problem.
import type { LayerSpec, RunSpec } from '../../../../shared/spec.ts';
import { isAugmenting } from '../../data/augment.ts';

export function overfitSpec(spec: RunSpec, samples: number, maxSteps: number): RunSpec {
  const batchSize = Math.min(spec.training.batchSize, samples);
  const stepsPerEpoch = Math.ceil(samples / batchSize);
  const layers: LayerSpec[] = spec.model.layers
    .filter((l) => l.type !== 'dropout' && l.type !== 'gaussian_noise')
    .map((l) => (l.type === 'dense' || l.type === 'conv2d' ? { ...l, kernelRegularizer: undefined, biasRegularizer: undefined } : l));
  return {
    ...spec,
    name: `${spec.name}-overfit`,
    data: {
      ...spec.data, limit: samples, validation: 0, test: 0,
      augment: { gaussianNoise: 0, flipHorizontal: false, flipVertical: false, shift: 0 },
    },
    model: { ...spec.model, layers },
    training: {
      ...spec.training, batchSize, epochs: Math.ceil(maxSteps / stepsPerEpoch),
      schedule: { type: 'constant' }, earlyStopping: undefined, checkpoint: undefined, stopOnNonFinite: true,
    },
    instruments: { ...spec.instruments, every: Math.max(1, Math.min(25, Math.floor(maxSteps / 10))), probeBatchSize: samples, predictions: { ...spec.instruments.predictions, every: 0, splits: [] } },
  };
}

/** Which regularisers were switched off, for the report. */
export function switchedOff(spec: RunSpec): string[] {
  const out: string[] = [];
  if (spec.model.layers.some((l) => l.type === 'dropout')) out.push('dropout');
  if (spec.model.layers.some((l) => l.type === 'gaussian_noise')) out.push('gaussian noise');
  if (isAugmenting(spec.data.augment)) out.push('augmentation');
  if (spec.model.layers.some((l) => (l.type === 'dense' || l.type === 'conv2d') && (l.kernelRegularizer || l.biasRegularizer))) out.push('L1/L2');
  if (spec.training.earlyStopping) out.push('early stopping');
  if (spec.training.schedule.type !== 'constant') out.push('the learning-rate schedule');
  return out;
}
