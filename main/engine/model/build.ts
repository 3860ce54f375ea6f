// From the spec's model section to a tfjs model, plus what the instruments need to know about
// each layer (what kind of unit it is, which units to record, its variables, its constraints).
import * as tf from '@tensorflow/tfjs';
import type { LayerSpec, RunSpec } from '../../../shared/spec.ts';
import type { DataInfo } from '../../../shared/events.ts';
import { layerName, unitKindOf, type LayerInfo } from '../../../shared/layers.ts';
import { outputUnitsProblem } from '../../../shared/spec-checks.ts';
import { InputError } from '../errors.ts';
import { sampleUnits } from '../stats/summarize.ts';
import { initializerName, makeInitializer } from './initializers.ts';

/** Activations tfjs can fuse into dense/conv layers; leaky_relu needs a layer of its own. */
const FUSED: Record<string, tf.serialization.ConfigDictValue> = {
  sigmoid: 'sigmoid', tanh: 'tanh', relu: 'relu', elu: 'elu', selu: 'selu', softmax: 'softmax', linear: 'linear',
};

export interface BuiltModel {
  model: tf.LayersModel;
  layers: LayerInfo[];
  /** max-norm constraints, applied after every update (tfjs' optimizers bypass layer constraints) */
  constraints: { variable: tf.Variable; constraint: ReturnType<typeof tf.constraints.maxNorm> }[];
  totalParams: number;
  trainableParams: number;
}

function regularizer(r: { l1: number; l2: number } | undefined) {
  return r && (r.l1 > 0 || r.l2 > 0) ? tf.regularizers.l1l2({ l1: r.l1, l2: r.l2 }) : undefined;
}

interface Made { layers: tf.layers.Layer[]; activation: string | null; kernelInit: string | null; maxNorm?: { value: number; axis: number[] } }

function makeLayers(l: LayerSpec, name: string, seed: number): Made {
  switch (l.type) {
    case 'dense':
    case 'conv2d': {
      const common = {
        name,
        activation: (FUSED[l.activation] ?? 'linear') as 'linear',
        kernelInitializer: makeInitializer(l.kernelInitializer, seed),
        biasInitializer: makeInitializer(l.biasInitializer, seed + 1),
        useBias: l.useBias,
        trainable: l.trainable,
        kernelRegularizer: regularizer(l.kernelRegularizer),
        biasRegularizer: regularizer(l.biasRegularizer),
      };
      const core = l.type === 'dense'
        ? tf.layers.dense({ ...common, units: l.units })
        : tf.layers.conv2d({ ...common, filters: l.filters, kernelSize: l.kernelSize, strides: l.strides, padding: l.padding });
      const layers: tf.layers.Layer[] = [core];
      if (l.activation === 'leaky_relu') layers.push(tf.layers.leakyReLU({ alpha: l.alpha, name: `${name}_leaky_relu` }));
      return {
        layers, activation: l.activation, kernelInit: initializerName(l.kernelInitializer),
        maxNorm: l.maxNorm ? { value: l.maxNorm, axis: l.type === 'dense' ? [0] : [0, 1, 2] } : undefined,
      };
    }
    case 'maxpool2d':
      return { layers: [tf.layers.maxPooling2d({ name, poolSize: l.poolSize, strides: l.strides, padding: l.padding })], activation: null, kernelInit: null };
    case 'avgpool2d':
      return { layers: [tf.layers.averagePooling2d({ name, poolSize: l.poolSize, strides: l.strides, padding: l.padding })], activation: null, kernelInit: null };
    case 'flatten':
      return { layers: [tf.layers.flatten({ name })], activation: null, kernelInit: null };
    case 'dropout':
      return { layers: [tf.layers.dropout({ name, rate: l.rate })], activation: null, kernelInit: null };
    case 'batchnorm':
      return { layers: [tf.layers.batchNormalization({ name, momentum: l.momentum, epsilon: l.epsilon })], activation: null, kernelInit: null };
    case 'gaussian_noise':
      return { layers: [tf.layers.gaussianNoise({ name, stddev: l.stddev })], activation: null, kernelInit: null };
    case 'activation':
      return {
        layers: [l.activation === 'leaky_relu' ? tf.layers.leakyReLU({ name, alpha: l.alpha }) : tf.layers.activation({ name, activation: l.activation as 'relu' })],
        activation: l.activation, kernelInit: null,
      };
  }
}

/** Weights one layer may have: 5e7 float32 is 200 MB, before gradients and optimiser slots. */
export const MAX_LAYER_WEIGHTS = 5e7;

/** The weights a dense or conv layer would get on an input of this shape (0 for other layers). */
function weightCount(l: RunSpec['model']['layers'][number], shape: (number | null)[]): number {
  const last = shape[shape.length - 1] ?? 1;
  if (l.type === 'dense') return last * l.units + l.units; // (a dense layer acts on the last axis)
  if (l.type === 'conv2d') {
    const [kh, kw] = typeof l.kernelSize === 'number' ? [l.kernelSize, l.kernelSize] : l.kernelSize;
    return kh * kw * last * l.filters + l.filters;
  }
  return 0;
}

export function buildModel(spec: RunSpec, data: DataInfo): BuiltModel {
  const input = tf.input({ shape: data.inputShape, name: 'input' });
  let x: tf.SymbolicTensor = input;
  const applied: { layer: tf.layers.Layer; activation: string | null; kernelInit: string | null }[] = [];
  const maxNorms: { layer: tf.layers.Layer; value: number; axis: number[] }[] = [];
  spec.model.layers.forEach((l, i) => {
    const made = makeLayers(l, layerName(l, i), spec.seed * 1000 + i * 2);
    made.layers.forEach((layer, k) => {
      const inShape = `[${x.shape.slice(1).join(', ')}]`;
      // before the weights are allocated: a layer of a billion weights is a typo, not a model
      const weights = k === 0 ? weightCount(l, x.shape) : 0;
      if (weights > MAX_LAYER_WEIGHTS) throw new InputError(`model.layers[${i}]`, `would have ${weights.toExponential(1)} weights on its input ${inShape} (at most ${MAX_LAYER_WEIGHTS.toExponential(0)} per layer)`);
      try {
        x = layer.apply(x) as tf.SymbolicTensor;
      } catch (e) {
        throw new InputError(`model.layers[${i}]`, `does not fit its input ${inShape}: ${(e as Error).message.split('\n')[0]}`);
      }
      // A pool or kernel larger than its input gives an empty output, which the backends do not refuse: they crash.
      if (x.shape.slice(1).some((d) => d !== null && d < 1)) {
        throw new InputError(`model.layers[${i}]`, `its output would be [${x.shape.slice(1).join(', ')}] from its input ${inShape}: the ${l.type === 'conv2d' ? 'kernel' : 'window'} is larger than the input (use a smaller size, 'same' padding, or fewer pooling layers before it)`);
      }
      // With a separate leaky_relu layer, the core layer's own output is linear.
      applied.push({ layer, activation: k === made.layers.length - 1 ? made.activation : 'linear', kernelInit: k === 0 ? made.kernelInit : null });
      // (a frozen layer's weights must stay as they are: its max-norm is not applied)
      if (k === 0 && made.maxNorm && layer.trainable) maxNorms.push({ layer, ...made.maxNorm });
    });
  });
  const model = tf.model({ inputs: input, outputs: x, name: 'trainscope_model' });
  checkOutput(spec, data, model);

  const layers: LayerInfo[] = applied.map(({ layer, activation, kernelInit }) => {
    const shape = layer.outputShape as (number | null)[];
    const units = (shape[shape.length - 1] as number) ?? 1;
    return {
      name: layer.name,
      className: layer.getClassName(),
      outputShape: shape,
      params: layer.countParams(),
      activation,
      unitKind: unitKindOf(activation),
      kernelInitializer: kernelInit,
      units,
      unitIndex: sampleUnits(units, spec.instruments.maxUnits),
      variables: layer.trainableWeights.map((w) => w.originalName),
      trainable: layer.trainable,
    };
  });
  const constraints = maxNorms.map(({ layer, value, axis }) => ({
    variable: layer.trainableWeights[0].read() as tf.Variable,
    constraint: tf.constraints.maxNorm({ maxValue: value, axis: axis as unknown as number }),
  }));
  const trainableParams = model.trainableWeights.reduce((a, w) => a + w.shape.reduce<number>((p, q) => p * (q ?? 1), 1), 0);
  return { model, layers, constraints, totalParams: model.countParams(), trainableParams };
}

/** The output layer must produce what the loss compares it with. */
function checkOutput(spec: RunSpec, data: DataInfo, model: tf.LayersModel) {
  const out = model.outputs[0].shape;
  const last = `model.layers[${spec.model.layers.length - 1}]`;
  if (out.length !== 2) {
    throw new InputError(last, `the model's output has shape [${out.map((d) => d ?? 'batch').join(', ')}]; add a flatten and a dense layer so it is one vector per sample`);
  }
  // the same check the app runs while the spec is edited (there with the classes the spec alone tells)
  const problem = outputUnitsProblem(out[1] as number, spec.training.loss, data.classes);
  if (problem) throw new InputError(problem.field === 'units' ? `${last}.units` : 'training.loss', problem.message);
}
