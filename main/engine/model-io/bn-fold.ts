// Batch normalisation folded away for inference, on the neutral model form (so any format can be
// written folded). At inference BN is a fixed affine map per channel, y = s x + t with
// s = gamma / sqrt(var + eps), t = beta - mean s, so:
//  - after a dense/conv2d layer whose activation is linear (z = W x + b) it folds BACKWARD into
//    that layer: W' = W s (per output channel), b' = (b - mean) s + beta;
//  - after a nonlinearity it can still fold FORWARD into the next dense layer (or conv2d with
//    'valid' padding) when only flatten stands between: W'[i, o] = s[c(i)] W[i, o],
//    b'[o] = b[o] + sum_i t[c(i)] W[i, o]. Flatten of an NHWC tensor keeps the channel as the
//    fastest axis, so input i of the dense layer belongs to channel c(i) = i mod C.
// Dropout and gaussian noise are identity at inference and are removed first. The arithmetic is
// float64 on the float32 weights, rounded once at the end.
import * as tf from '@tensorflow/tfjs';
import type { LayerSpec, RunSpecInput } from '../../../shared/spec.ts';
import { validateSpec } from '../../../shared/spec.ts';
import type { DataInfo } from '../../../shared/events.ts';
import { buildModel } from '../model/build.ts';
import type { ModelWeights, NeutralModel, WeightArray } from './types.ts';

export interface FoldResult {
  model: NeutralModel;
  /** the BN layers folded away */
  folded: string[];
  /** the BN layers kept, and why they could not be folded */
  kept: { layer: string; why: string }[];
  /** other layers left out of the inference model (dropout, noise, an activation merged into the layer before) */
  removed: { layer: string; why: string }[];
}

type Weighted = Extract<LayerSpec, { type: 'dense' | 'conv2d' }>;
type BN = Extract<LayerSpec, { type: 'batchnorm' }>;
const isWeighted = (l: LayerSpec): l is Weighted => l.type === 'dense' || l.type === 'conv2d';

const find = (ws: WeightArray[] | undefined, name: string) => ws?.find((w) => w.name === name);

/** s and t of a BN layer's inference map, in float64 (gamma 1 and beta 0 when the layer has none). */
function affine(bn: BN, ws: WeightArray[]): { s: Float64Array; t: Float64Array } {
  const mean = find(ws, 'moving_mean')!.values, variance = find(ws, 'moving_variance')!.values;
  const gamma = find(ws, 'gamma')?.values, beta = find(ws, 'beta')?.values;
  const C = mean.length, s = new Float64Array(C), t = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    s[c] = (gamma ? gamma[c] : 1) / Math.sqrt(variance[c] + bn.epsilon);
    t[c] = (beta ? beta[c] : 0) - mean[c] * s[c];
  }
  return { s, t };
}

function kernelAndBias(ws: WeightArray[]): { kernel: WeightArray; bias: Float64Array } {
  const kernel = find(ws, 'kernel')!;
  const C = kernel.shape[kernel.shape.length - 1];
  const b = find(ws, 'bias')?.values;
  return { kernel, bias: b ? Float64Array.from(b) : new Float64Array(C) };
}

const weightsOf = (shape: number[], kernel: Float64Array, bias: Float64Array): WeightArray[] => [
  { name: 'kernel', shape, values: Float32Array.from(kernel) },
  { name: 'bias', shape: [bias.length], values: Float32Array.from(bias) },
];

/** BN after the layer: W' = W s per output channel (the kernel's last axis), b' = b s + t. */
function foldBackward(ws: WeightArray[], s: Float64Array, t: Float64Array): WeightArray[] {
  const { kernel, bias } = kernelAndBias(ws);
  const C = s.length, k = new Float64Array(kernel.values.length);
  for (let i = 0, c = 0; i < k.length; i++, c = c + 1 === C ? 0 : c + 1) k[i] = kernel.values[i] * s[c];
  for (let c = 0; c < C; c++) bias[c] = bias[c] * s[c] + t[c];
  return weightsOf(kernel.shape, k, bias);
}

/** BN before the layer: every input row i of the kernel scaled by s[c(i)], and t pushed through W into the bias. */
function foldForward(ws: WeightArray[], s: Float64Array, t: Float64Array): WeightArray[] {
  const { kernel, bias } = kernelAndBias(ws);
  const C = s.length, out = kernel.shape[kernel.shape.length - 1];
  // dense [in, out]; conv2d [kh, kw, cin, out]: either way the rows are (spatial..., input channel)
  // with the input channel fastest, and the row's channel is row mod C (NHWC flatten too).
  const rows = kernel.values.length / out, k = new Float64Array(kernel.values.length);
  for (let r = 0; r < rows; r++) {
    const c = r % C;
    for (let o = 0; o < out; o++) {
      const w = kernel.values[r * out + o];
      k[r * out + o] = w * s[c];
      bias[o] += w * t[c];
    }
  }
  return weightsOf(kernel.shape, k, bias);
}

/** Why a BN cannot fold forward into the layer after it (through flattens only), or the layer's index. */
function forwardTarget(layers: LayerSpec[], at: number, channels: number, weights: ModelWeights): number | string {
  let j = at + 1;
  while (j < layers.length && layers[j].type === 'flatten') j++;
  const next = layers[j];
  if (!next) return 'it is the last layer: there is no layer after it to fold into';
  const between = j > at + 1 ? ` (after ${layers.slice(at + 1, j).map((l) => l.name).join(', ')})` : '';
  if (!isWeighted(next)) return `the layer after it${between} is ${next.name} (${next.type}), not a dense or conv2d layer: BN after a nonlinearity folds only into the next dense/conv2d layer with nothing but flatten between`;
  if (next.type === 'conv2d' && next.padding === 'same') return `${next.name} after it pads with zeros ('same'), which BN would have shifted: folding would change the border outputs`;
  const kernel = find(weights[next.name!], 'kernel');
  if (!kernel) return `${next.name} has no kernel in the weights`;
  const rows = kernel.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const cin = kernel.shape[kernel.shape.length - 2];
  if (next.type === 'dense' ? rows % channels !== 0 : cin !== channels) return `${next.name}'s kernel ${JSON.stringify(kernel.shape)} does not match its ${channels} channels`;
  return j;
}

/** The model for inference: BN folded where the arithmetic allows, dropout and noise removed. */
export function foldBatchNorm(model: NeutralModel): FoldResult {
  const folded: string[] = [], kept: FoldResult['kept'] = [], removed: FoldResult['removed'] = [];
  const weights: ModelWeights = { ...(model.weights ?? {}) };
  // identity at inference: removing them first lets BN meet the layer it folds into
  const layers: LayerSpec[] = [];
  for (const l of model.layers) {
    if (l.type === 'dropout' || l.type === 'gaussian_noise') removed.push({ layer: l.name!, why: `${l.type} is the identity at inference` });
    else layers.push({ ...l } as LayerSpec);
  }
  for (let i = 0; i < layers.length; i++) {
    const bn = layers[i];
    if (bn.type !== 'batchnorm') continue;
    const name = bn.name!, ws = weights[name];
    if (!model.weights || !ws || !find(ws, 'moving_mean') || !find(ws, 'moving_variance')) {
      kept.push({ layer: name, why: 'the model has no weights for it (moving mean and variance)' });
      continue;
    }
    const { s, t } = affine(bn, ws);
    const prev = layers[i - 1];
    if (prev && isWeighted(prev) && prev.activation === 'linear' && weights[prev.name!]) {
      weights[prev.name!] = foldBackward(weights[prev.name!], s, t);
      // the folded layer now has a bias; a max-norm bound no longer holds for its scaled kernel
      prev.useBias = true;
      delete prev.maxNorm;
      layers.splice(i, 1);
      delete weights[name];
      folded.push(name);
      // dense(linear) -> BN -> activation(f) is dense(f)
      const act = layers[i];
      if (act?.type === 'activation') {
        Object.assign(prev, { activation: act.activation, alpha: act.alpha });
        layers.splice(i, 1);
        removed.push({ layer: act.name!, why: `its activation (${act.activation}) became ${prev.name}'s once ${name} was folded` });
      }
      i--;
      continue;
    }
    const target = forwardTarget(layers, i, s.length, weights);
    if (typeof target === 'number') {
      const next = layers[target] as Weighted;
      weights[next.name!] = foldForward(weights[next.name!], s, t);
      next.useBias = true;
      delete next.maxNorm;
      layers.splice(i, 1);
      delete weights[name];
      folded.push(name);
      i--;
      continue;
    }
    const before = !prev ? 'it normalises the model\'s input' : isWeighted(prev) ? `${prev.name} before it applies ${prev.activation}` : `${prev.name} before it is a ${prev.type} layer`;
    kept.push({ layer: name, why: `${before}, so it cannot fold backward; and forward: ${target}` });
  }
  for (const r of removed) delete weights[r.layer];
  return { model: { inputShape: [...model.inputShape], layers, weights: model.weights ? weights : null }, folded, kept, removed };
}

/** A neutral model as a tfjs model (buildModel on a minimal spec), with its weights set by layer name. */
function toTfjs(m: NeutralModel): tf.LayersModel {
  const last = [...m.layers].reverse().find(isWeighted);
  const classes = last ? (last.type === 'dense' ? last.units : last.filters) : 1;
  const input: RunSpecInput = {
    // the data section is never loaded: buildModel needs only the shape and class count below
    data: { train: { type: 'synthetic', name: 'blobs' } },
    model: { layers: m.layers }, training: { loss: 'categorical_crossentropy' },
  };
  const r = validateSpec(input);
  if (!r.ok) throw new Error(`the model's layers are not a valid spec: ${r.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  const info: DataInfo = {
    train: 0, validation: 0, test: 0, inputShape: m.inputShape, classes, classNames: null, source: 'neutral model',
    inputStats: { mean: 0, std: 1, min: 0, max: 1 }, classCounts: null,
  };
  const { model } = buildModel(r.spec, info);
  for (const [name, ws] of Object.entries(m.weights ?? {})) {
    const layer = model.getLayer(name);
    // in the layer's own variable order, matched by Keras' short names
    const values = layer.weights.map((v) => {
      const short = v.originalName.split('/').pop()!;
      const w = find(ws, short);
      if (!w) throw new Error(`${name}: no ${short} in the weights`);
      return tf.tensor(w.values, w.shape);
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
  return model;
}

/** max |folded(x) - original(x)| over the inputs, both run as tfjs models in inference mode. */
export async function foldedOutputDifference(original: NeutralModel, folded: NeutralModel, inputs: tf.Tensor): Promise<number> {
  const a = toTfjs(original), b = toTfjs(folded);
  try {
    const diff = tf.tidy(() => (a.predict(inputs) as tf.Tensor).sub(b.predict(inputs) as tf.Tensor).abs().max());
    const v = (await diff.data())[0];
    diff.dispose();
    return v;
  } finally {
    a.dispose();
    b.dispose();
  }
}
