// Keras layer configs (JSON) <-> the spec's layers, both ways. Reads Keras 3 (`module`,
// `registered_name`, `build_config`), Keras 2 and tfjs-layers (`class_name` + `config` only)
// configs of Sequential models and of Functional models that are one chain of layers; writes what
// Keras 3 itself writes. Anything the spec cannot express is refused with one line naming the file,
// the layer and the reason: importing a model that then trains differently is worse than refusing it.
import type { InitializerSpec, LayerSpec } from '../../../shared/spec.ts';
import { InputError } from '../errors.ts';

type Json = Record<string, unknown>;

/** A Keras layer as config.json / model_config / model.json give it. */
export interface KerasLayer {
  class_name: string;
  config: Json;
  module?: string;
  registered_name?: string | null;
  build_config?: { input_shape: (number | null)[] };
  name?: string;
  inbound_nodes?: unknown;
}

export interface ParsedModel {
  inputShape: number[];
  layers: LayerSpec[];
  /** the Keras class of each layer in `layers` (how weights are looked up in a .keras file) */
  classNames: string[];
  /** the name each layer has in the file (before sanitising): legacy .h5 and tfjs key weights by it */
  fileNames: string[];
  /** where Keras 3 keeps each layer's variables in model.weights.h5: `layers/<this>/vars` */
  weightPaths: string[];
  /** the input shape of each layer (without the batch axis), which its weights must fit */
  inputShapes: number[][];
}

const SUPPORTED = 'Trainscope trains Dense, Conv2D, MaxPooling2D, AveragePooling2D, Flatten, Dropout, BatchNormalization, GaussianNoise and Activation/LeakyReLU/ReLU layers';
const RECURRENT = new Set(['LSTM', 'GRU', 'SimpleRNN', 'RNN', 'Bidirectional', 'ConvLSTM1D', 'ConvLSTM2D', 'ConvLSTM3D', 'LSTMCell', 'GRUCell', 'SimpleRNNCell', 'CuDNNLSTM', 'CuDNNGRU', 'TimeDistributed']);
const MERGES = new Set(['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot']);
const ACTIVATIONS = new Set(['sigmoid', 'tanh', 'relu', 'leaky_relu', 'elu', 'selu', 'softmax', 'linear']);
/** Keras 3's `leaky_relu` activation function has this slope (the LeakyReLU layer's default too) */
const KERAS_LEAKY_SLOPE = 0.2;

/**
 * Spec layer names must match /^[A-Za-z][\w-]*$/. Keras allows more (a leading digit or
 * underscore, dots): such names are SANITISED, not refused, since the name does not change what the
 * model computes: characters outside [\w-] become "_", a name not starting with a letter gets
 * "layer_" in front, and a clash with another layer's name gets "_2", "_3"... The reader applies the
 * same function to every format, and weights are keyed by the sanitised name.
 */
export function sanitiseName(name: string, taken: Set<string>): string {
  let n = name.replace(/[^\w-]/g, '_');
  if (!/^[A-Za-z]/.test(n)) n = `layer_${n}`;
  let out = n;
  for (let k = 2; taken.has(out); k++) out = `${n}_${k}`;
  taken.add(out);
  return out;
}

class Refusal {
  constructor(readonly file: string, readonly layer: string, readonly cls: string) {}
  error(why: string) {
    return new InputError(this.file, `layer "${this.layer}" (${this.cls}): ${why}`);
  }
}

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const pair = (v: unknown, what: string, r: Refusal): [number, number] => {
  const a = Array.isArray(v) ? v : [v, v];
  if (a.length !== 2 || !a.every((x) => Number.isInteger(x) && (x as number) > 0)) throw r.error(`${what} ${JSON.stringify(v)} is not two positive integers`);
  return a as [number, number];
};
/** The spec writes 3 for [3, 3]: keep a square size short, as a user would write it. */
const short = (p: [number, number]): number | [number, number] => (p[0] === p[1] ? p[0] : p);

function activationOf(v: unknown, r: Refusal): string {
  // Keras 3 writes a custom activation as an object; a known one is its name
  const name = isObj(v) ? v.config : v ?? 'linear';
  if (typeof name !== 'string' || !ACTIVATIONS.has(name)) throw r.error(`activation ${JSON.stringify(name)} is not supported (${[...ACTIVATIONS].join(', ')})`);
  return name;
}

const INIT_CLASSES: Record<string, InitializerSpec> = {
  GlorotUniform: 'glorot_uniform', GlorotNormal: 'glorot_normal', HeNormal: 'he_normal', HeUniform: 'he_uniform',
  LecunNormal: 'lecun_normal', LecunUniform: 'lecun_uniform', LeCunNormal: 'lecun_normal', LeCunUniform: 'lecun_uniform', Zeros: 'zeros', Ones: 'ones',
};

/** VarianceScaling as Keras 2 and tfjs write the named initialisers (scale, mode, distribution). */
function varianceScaling(c: Json): InitializerSpec | null {
  const normal = c.distribution === 'normal' || c.distribution === 'truncated_normal';
  const uniform = c.distribution === 'uniform';
  if (c.scale === 1 && c.mode === 'fan_avg') return uniform ? 'glorot_uniform' : normal ? 'glorot_normal' : null;
  if (c.scale === 2 && c.mode === 'fan_in') return uniform ? 'he_uniform' : normal ? 'he_normal' : null;
  if (c.scale === 1 && c.mode === 'fan_in') return uniform ? 'lecun_uniform' : normal ? 'lecun_normal' : null;
  return null;
}

function initializerOf(v: unknown, field: string, r: Refusal): InitializerSpec {
  if (typeof v === 'string') {
    const known = Object.values(INIT_CLASSES).find((n) => n === v);
    if (known) return known;
  } else if (isObj(v) && typeof v.class_name === 'string') {
    const c = isObj(v.config) ? v.config : {};
    if (INIT_CLASSES[v.class_name]) return INIT_CLASSES[v.class_name];
    if (v.class_name === 'RandomNormal') return { type: 'random_normal', mean: Number(c.mean ?? 0), stddev: Number(c.stddev ?? 0.05) };
    if (v.class_name === 'Constant' && typeof c.value === 'number') return { type: 'constant', value: c.value };
    if (v.class_name === 'VarianceScaling') {
      const vs = varianceScaling(c);
      if (vs) return vs;
    }
  }
  const what = isObj(v) ? `${v.class_name}${isObj(v.config) && Object.keys(v.config).length ? ` ${JSON.stringify(v.config)}` : ''}` : JSON.stringify(v);
  throw r.error(`${field} ${what} is not supported (GlorotUniform, GlorotNormal, HeNormal, HeUniform, LecunNormal, LecunUniform, Zeros, Ones, RandomNormal, Constant)`);
}

function regularizerOf(v: unknown, field: string, r: Refusal): { l1: number; l2: number } | undefined {
  if (v == null) return undefined;
  if (isObj(v) && isObj(v.config) && ['L1L2', 'L1', 'L2', 'l1_l2'].includes(v.class_name as string)) {
    const l1 = Number(v.config.l1 ?? 0), l2 = Number(v.config.l2 ?? 0);
    if (Number.isFinite(l1) && Number.isFinite(l2) && l1 >= 0 && l2 >= 0) return l1 === 0 && l2 === 0 ? undefined : { l1, l2 };
  }
  throw r.error(`${field} ${JSON.stringify(isObj(v) ? v.class_name : v)} is not supported (L1, L2, L1L2)`);
}

const sameAxis = (a: unknown, want: number[]) => JSON.stringify(Array.isArray(a) ? a : [a]) === JSON.stringify(want);

function maxNormOf(v: unknown, axis: number[], r: Refusal): number | undefined {
  if (v == null) return undefined;
  if (isObj(v) && v.class_name === 'MaxNorm' && isObj(v.config) && typeof v.config.max_value === 'number') {
    if (!sameAxis(v.config.axis ?? 0, axis)) throw r.error(`kernel_constraint MaxNorm on axis ${JSON.stringify(v.config.axis)} is not supported (this layer's max-norm is over axis ${JSON.stringify(axis.length === 1 ? axis[0] : axis)})`);
    return v.config.max_value;
  }
  throw r.error(`kernel_constraint ${JSON.stringify(isObj(v) ? v.class_name : v)} is not supported (only MaxNorm)`);
}

/** Options that must be at their defaults (null/false/1...): the spec has no field for them. */
function mustBe(c: Json, r: Refusal, checks: [string, (v: unknown) => boolean, string][]) {
  for (const [key, ok, want] of checks) {
    if (key in c && !ok(c[key])) throw r.error(`${key} ${JSON.stringify(c[key])} is not supported (${want})`);
  }
}
const isNull = (v: unknown) => v == null;
const channelsLast = (v: unknown) => v == null || v === 'channels_last';
const dtypeOk = (v: unknown) => v == null || v === 'float32' || (isObj(v) && isObj(v.config) && v.config.name === 'float32');

function weighted(c: Json, r: Refusal, axis: number[]) {
  mustBe(c, r, [['activity_regularizer', isNull, 'none'], ['bias_constraint', isNull, 'none'], ['lora_rank', isNull, 'none'], ['quantization_config', isNull, 'none']]);
  const out = {
    activation: activationOf(c.activation, r) as 'linear',
    alpha: 0.3,
    kernelInitializer: initializerOf(c.kernel_initializer ?? 'glorot_uniform', 'kernel_initializer', r),
    biasInitializer: initializerOf(c.bias_initializer ?? 'zeros', 'bias_initializer', r),
    useBias: c.use_bias !== false,
    trainable: c.trainable !== false,
    kernelRegularizer: regularizerOf(c.kernel_regularizer, 'kernel_regularizer', r),
    biasRegularizer: regularizerOf(c.bias_regularizer, 'bias_regularizer', r),
    maxNorm: maxNormOf(c.kernel_constraint, axis, r),
  };
  if (out.activation === ('leaky_relu' as string)) out.alpha = KERAS_LEAKY_SLOPE;
  // leave optional fields out rather than undefined, so a read model equals the spec a user writes
  for (const k of ['kernelRegularizer', 'biasRegularizer', 'maxNorm'] as const) if (out[k] === undefined) delete out[k];
  return out;
}

/** One Keras layer to a spec layer (without its name); null for an InputLayer. */
function layerOf(k: KerasLayer, file: string, name: string, rank: number): LayerSpec | null {
  const r = new Refusal(file, name, k.class_name);
  const c = k.config ?? {};
  const custom = k.registered_name && k.registered_name !== k.class_name && !k.registered_name.startsWith('keras');
  if (custom || (k.module && !k.module.startsWith('keras'))) throw r.error(`custom layers are not supported (${SUPPORTED})`);
  if (RECURRENT.has(k.class_name)) throw r.error(`recurrent layers are not supported (${SUPPORTED})`);
  if (MERGES.has(k.class_name)) throw r.error(`merge layers are not supported: only a single chain of layers is (${SUPPORTED})`);
  if (['Sequential', 'Functional', 'Model'].includes(k.class_name)) throw r.error(`nested models are not supported (${SUPPORTED})`);
  mustBe(c, r, [['dtype', dtypeOk, 'float32 only']]);
  switch (k.class_name) {
    case 'InputLayer':
      mustBe(c, r, [['sparse', (v) => !v, 'dense inputs only'], ['ragged', (v) => !v, 'dense inputs only']]);
      return null;
    case 'Dense':
      return { type: 'dense', units: c.units as number, ...weighted(c, r, [0]) };
    case 'Conv2D': {
      mustBe(c, r, [
        ['data_format', channelsLast, 'channels_last only'], ['dilation_rate', (v) => sameAxis(v, [1, 1]) || v === 1 || sameAxis(v, [1]), 'dilation 1 only'],
        ['groups', (v) => v === 1, 'groups 1 only'], ['padding', (v) => v === 'valid' || v === 'same', 'valid or same'],
      ]);
      return {
        type: 'conv2d', filters: c.filters as number, kernelSize: short(pair(c.kernel_size, 'kernel_size', r)), strides: short(pair(c.strides ?? 1, 'strides', r)),
        padding: c.padding as 'valid', ...weighted(c, r, [0, 1, 2]),
      };
    }
    case 'MaxPooling2D': case 'AveragePooling2D': {
      mustBe(c, r, [['data_format', channelsLast, 'channels_last only'], ['padding', (v) => v === 'valid' || v === 'same', 'valid or same']]);
      const poolSize = pair(c.pool_size ?? 2, 'pool_size', r);
      const strides = c.strides == null ? poolSize : pair(c.strides, 'strides', r);
      return {
        type: k.class_name === 'MaxPooling2D' ? 'maxpool2d' : 'avgpool2d', poolSize: short(poolSize), padding: (c.padding ?? 'valid') as 'valid',
        // the spec's default strides are the pool size: say so by leaving them out
        ...(JSON.stringify(strides) === JSON.stringify(poolSize) ? {} : { strides: short(strides) }),
      };
    }
    case 'Flatten':
      mustBe(c, r, [['data_format', channelsLast, 'channels_last only']]);
      return { type: 'flatten' };
    case 'Dropout':
      mustBe(c, r, [['noise_shape', isNull, 'none']]);
      return { type: 'dropout', rate: c.rate as number };
    case 'GaussianNoise':
      return { type: 'gaussian_noise', stddev: c.stddev as number };
    case 'BatchNormalization': {
      mustBe(c, r, [
        ['axis', (v) => sameAxis(v, [-1]) || sameAxis(v, [rank]), 'the last axis only'], ['center', (v) => v !== false, 'center true only'], ['scale', (v) => v !== false, 'scale true only'],
        ['beta_regularizer', isNull, 'none'], ['gamma_regularizer', isNull, 'none'], ['beta_constraint', isNull, 'none'], ['gamma_constraint', isNull, 'none'],
        ['renorm', (v) => !v, 'false only'], ['synchronized', (v) => !v, 'false only'],
        // Keras runs a frozen batch norm in inference mode (its moving statistics); tfjs would still
        // normalise by the batch and update them: the model would train differently here
        ['trainable', (v) => v !== false, 'a frozen BatchNormalization runs in inference mode in Keras, which Trainscope cannot do: unfreeze it'],
      ]);
      return { type: 'batchnorm', momentum: (c.momentum ?? 0.99) as number, epsilon: (c.epsilon ?? 1e-3) as number };
    }
    case 'Activation':
      return { type: 'activation', activation: activationOf(c.activation, r) as 'relu', alpha: activationOf(c.activation, r) === 'leaky_relu' ? KERAS_LEAKY_SLOPE : 0.3 };
    case 'LeakyReLU':
      return { type: 'activation', activation: 'leaky_relu', alpha: (c.negative_slope ?? c.alpha ?? 0.3) as number };
    case 'ReLU':
      mustBe(c, r, [['max_value', isNull, 'none'], ['negative_slope', (v) => !v, '0'], ['threshold', (v) => !v, '0']]);
      return { type: 'activation', activation: 'relu', alpha: 0.3 };
    default:
      throw r.error(`this layer class is not supported (${SUPPORTED})`);
  }
}

// ---------------------------------------------------------------- shapes

/** The output shape of a spec layer (without the batch axis): what the next layer's weights must fit. */
export function outputShape(l: LayerSpec, s: number[]): number[] {
  const two = (v: number | [number, number]) => (typeof v === 'number' ? [v, v] : v);
  const spatial = (k: number[], st: number[], pad: string) => [0, 1].map((i) => (pad === 'same' ? Math.ceil(s[i] / st[i]) : Math.floor((s[i] - k[i]) / st[i]) + 1));
  switch (l.type) {
    case 'dense': return [...s.slice(0, -1), l.units];
    case 'conv2d': return [...spatial(two(l.kernelSize), two(l.strides), l.padding), l.filters];
    case 'maxpool2d': case 'avgpool2d': return [...spatial(two(l.poolSize), two(l.strides ?? l.poolSize), l.padding), s[2]];
    case 'flatten': return [s.reduce((a, b) => a * b, 1)];
    default: return s;
  }
}

/** Keras' naming.to_snake_case: the name of a layer's weights group in a .keras file. */
export function snakeCase(cls: string): string {
  return cls.replace(/\W+/g, '').replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/** The weights a layer has on an input of this shape, in Keras order (names as WeightArray.name). */
export function weightSpecs(l: LayerSpec, s: number[]): { name: string; shape: number[] }[] {
  const last = s[s.length - 1];
  switch (l.type) {
    case 'dense':
      return [{ name: 'kernel', shape: [last, l.units] }, ...(l.useBias ? [{ name: 'bias', shape: [l.units] }] : [])];
    case 'conv2d': {
      const [kh, kw] = typeof l.kernelSize === 'number' ? [l.kernelSize, l.kernelSize] : l.kernelSize;
      return [{ name: 'kernel', shape: [kh, kw, last, l.filters] }, ...(l.useBias ? [{ name: 'bias', shape: [l.filters] }] : [])];
    }
    case 'batchnorm':
      return ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((name) => ({ name, shape: [last] }));
    default:
      return [];
  }
}

// ---------------------------------------------------------------- models

function inputShapeOf(v: unknown): number[] | null {
  if (!Array.isArray(v) || v.length < 2) return null;
  const s = v.slice(1);
  return s.every((d) => Number.isInteger(d) && d > 0) ? (s as number[]) : null;
}

/** The layers of a Functional model, checked to be one chain from its input to its output. */
function chain(file: string, c: Json): KerasLayer[] {
  const layers = (c.layers ?? []) as KerasLayer[];
  const nameOf = (k: KerasLayer) => (k.name ?? k.config?.name) as string;
  const sources = (k: KerasLayer): string[] => {
    const nodes = Array.isArray(k.inbound_nodes) ? k.inbound_nodes : [];
    if (nodes.length > 1) throw new Refusal(file, nameOf(k), k.class_name).error('is applied more than once (shared layers are not supported: only a single chain of layers is)');
    const node = nodes[0];
    // Keras 3: {args: [keras_tensor | [keras_tensor...]], kwargs}; Keras 2 / tfjs: [[name, node, tensor, kwargs], ...]
    if (isObj(node)) {
      const found: string[] = [];
      const walk = (v: unknown) => {
        if (isObj(v) && v.class_name === '__keras_tensor__' && isObj(v.config)) found.push((v.config.keras_history as string[])[0]);
        else if (Array.isArray(v)) v.forEach(walk);
        else if (isObj(v)) Object.values(v).forEach(walk);
      };
      walk(node.args);
      walk(node.kwargs);
      return found;
    }
    return Array.isArray(node) ? node.map((t) => (t as unknown[])[0] as string) : [];
  };
  // Keras 3 writes a single input/output as [name, 0, 0] (or [[name, 0, 0]] when given as a list),
  // Keras 2 as [[name, 0, 0]]; named inputs are a dict
  const list = (v: unknown) => (isObj(v) ? Object.values(v) : Array.isArray(v) ? v : []) as unknown[];
  const ins = list(c.input_layers), outs = list(c.output_layers);
  const count = (v: unknown[]) => (v.length && typeof v[0] === 'string' ? 1 : v.length);
  if (count(ins) !== 1) throw new InputError(file, `the model has ${count(ins)} inputs; only models with one input are supported`);
  if (count(outs) !== 1) throw new InputError(file, `the model has ${count(outs)} outputs; only models with one output are supported`);
  layers.forEach((k, i) => {
    const from = sources(k);
    if (i === 0) return;
    const prev = nameOf(layers[i - 1]);
    if (from.length !== 1) throw new Refusal(file, nameOf(k), k.class_name).error(`takes ${from.length} inputs; only a single chain of layers is supported (no branches or merges)`);
    if (from[0] !== prev) throw new Refusal(file, nameOf(k), k.class_name).error(`its input is "${from[0]}", not the layer before it ("${prev}"); only a single chain of layers is supported (no branches or merges)`);
  });
  const last = layers.length ? nameOf(layers[layers.length - 1]) : '';
  const out = (typeof outs[0] === 'string' ? outs[0] : (outs[0] as unknown[])[0]) as string;
  if (out !== last) throw new InputError(file, `the model's output is layer "${out}", not the last layer "${last}"; only a single chain of layers is supported (no branches or merges)`);
  return layers;
}

/**
 * A Keras model config (config.json, the `model_config` attribute, model.json's `modelTopology`)
 * to the spec's layers. A Dense/Conv2D "x" with a linear activation followed by a LeakyReLU named
 * "x_leaky_relu" is read back as one layer with activation leaky_relu: that is how buildModel and
 * our writers express it.
 */
export function parseModelConfig(file: string, model: unknown): ParsedModel {
  if (!isObj(model) || typeof model.class_name !== 'string') throw new InputError(file, 'the model config is not a Keras model (no class_name)');
  const cls = model.class_name;
  let layers: KerasLayer[];
  if (cls === 'Sequential') {
    // Keras 2.2 and older wrote the layer list as the config itself
    layers = (Array.isArray(model.config) ? model.config : (model.config as Json)?.layers) as KerasLayer[];
  } else if (cls === 'Functional' || cls === 'Model') {
    layers = chain(file, model.config as Json);
  } else throw new InputError(file, `the model class "${cls}" is not supported (Sequential models, and Functional models that are one chain of layers)`);
  if (!Array.isArray(layers) || !layers.length) throw new InputError(file, 'the model has no layers');

  let inputShape: number[] | null = null;
  const first = layers[0];
  for (const v of [first.config?.batch_shape, first.config?.batch_input_shape, first.build_config?.input_shape, isObj(model.config) ? model.config.build_input_shape : null]) {
    inputShape ??= inputShapeOf(v);
  }
  if (!inputShape && Array.isArray(first.config?.input_shape)) inputShape = inputShapeOf([null, ...(first.config.input_shape as number[])]);
  if (!inputShape) throw new InputError(file, 'the model does not say its input shape (every dimension but the batch must be known: give the model an Input layer)');

  const taken = new Set<string>();
  const out: ParsedModel = { inputShape, layers: [], classNames: [], fileNames: [], weightPaths: [], inputShapes: [] };
  // Keras 3 names each layer's weights group after its class, counted per class (dense, dense_1...)
  const used: Record<string, number> = {};
  let shape = inputShape;
  for (const k of layers) {
    if (!isObj(k) || typeof k.class_name !== 'string') throw new InputError(file, 'a layer of the model config has no class_name');
    const fileName = String(k.config?.name ?? k.name ?? k.class_name.toLowerCase());
    const l = layerOf(k, file, fileName, shape.length);
    if (!l) continue;
    const snake = snakeCase(k.class_name);
    used[snake] = (used[snake] ?? -1) + 1;
    const weightPath = used[snake] ? `${snake}_${used[snake]}` : snake;
    const prev = out.layers[out.layers.length - 1];
    if (k.class_name === 'LeakyReLU' && prev && (prev.type === 'dense' || prev.type === 'conv2d') && prev.activation === 'linear' && fileName === `${prev.name}_leaky_relu`) {
      prev.activation = 'leaky_relu';
      prev.alpha = (l as { alpha: number }).alpha;
      continue;
    }
    const name = sanitiseName(fileName, taken);
    if ((l.type === 'conv2d' || l.type === 'maxpool2d' || l.type === 'avgpool2d') && shape.length !== 3) {
      throw new Refusal(file, fileName, k.class_name).error(`needs an input of shape [height, width, channels], not [${shape.join(', ')}]`);
    }
    out.layers.push({ ...l, name } as LayerSpec);
    out.classNames.push(k.class_name);
    out.fileNames.push(fileName);
    out.weightPaths.push(weightPath);
    out.inputShapes.push(shape);
    shape = outputShape(l, shape);
  }
  return out;
}

// ---------------------------------------------------------------- writing (Keras 3)

const DTYPE = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
const obj = (module: string, class_name: string, config: Json) => ({ module, class_name, config, registered_name: null });

const INIT_NAMES: Record<string, string> = {
  glorot_uniform: 'GlorotUniform', glorot_normal: 'GlorotNormal', he_normal: 'HeNormal', he_uniform: 'HeUniform',
  lecun_normal: 'LecunNormal', lecun_uniform: 'LecunUniform', zeros: 'Zeros', ones: 'Ones',
};

function initializerJson(i: InitializerSpec) {
  if (typeof i === 'object') {
    return i.type === 'constant'
      ? obj('keras.initializers', 'Constant', { value: i.value })
      : obj('keras.initializers', 'RandomNormal', { seed: null, mean: i.mean, stddev: i.stddev });
  }
  return obj('keras.initializers', INIT_NAMES[i], i === 'zeros' || i === 'ones' ? {} : { seed: null });
}

const regularizerJson = (r: { l1: number; l2: number } | undefined) => (r ? obj('keras.regularizers', 'L1L2', { l1: r.l1, l2: r.l2 }) : null);
const pairOf = (v: number | [number, number]) => (typeof v === 'number' ? [v, v] : v);

/**
 * Spec layers to Keras 3 layer configs as Keras 3.9 writes them (every default field it writes,
 * a build_config with the input shape). A dense/conv layer with activation leaky_relu becomes the
 * layer with a linear activation plus a LeakyReLU "<name>_leaky_relu", as buildModel does: Keras'
 * own "leaky_relu" activation string has a fixed slope of 0.2, the spec's alpha may differ.
 */
export function toKerasLayers(inputShape: number[], layers: LayerSpec[]): KerasLayer[] {
  const out: KerasLayer[] = [];
  let shape = inputShape;
  const push = (class_name: string, config: Json, built: boolean) => {
    out.push({
      module: 'keras.layers', class_name, config: { name: config.name, trainable: true, dtype: DTYPE, ...config }, registered_name: null,
      ...(built ? { build_config: { input_shape: [null, ...shape] } } : {}),
    });
  };
  layers.forEach((l, i) => {
    const name = l.name ?? `${l.type}_${i + 1}`;
    switch (l.type) {
      case 'dense': case 'conv2d': {
        const common = {
          activation: l.activation === 'leaky_relu' ? 'linear' : l.activation, use_bias: l.useBias,
          kernel_initializer: initializerJson(l.kernelInitializer), bias_initializer: initializerJson(l.biasInitializer),
          kernel_regularizer: regularizerJson(l.kernelRegularizer), bias_regularizer: regularizerJson(l.biasRegularizer),
        };
        const constraint = l.maxNorm ? obj('keras.constraints', 'MaxNorm', { max_value: l.maxNorm, axis: l.type === 'dense' ? 0 : [0, 1, 2] }) : null;
        if (l.type === 'dense') {
          push('Dense', { name, trainable: l.trainable, units: l.units, ...common, kernel_constraint: constraint, bias_constraint: null }, true);
        } else {
          push('Conv2D', {
            name, trainable: l.trainable, filters: l.filters, kernel_size: pairOf(l.kernelSize), strides: pairOf(l.strides), padding: l.padding,
            data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, ...common, activity_regularizer: null, kernel_constraint: constraint, bias_constraint: null,
          }, true);
        }
        shape = outputShape(l, shape);
        if (l.activation === 'leaky_relu') push('LeakyReLU', { name: `${name}_leaky_relu`, negative_slope: l.alpha }, false);
        return;
      }
      case 'maxpool2d': case 'avgpool2d':
        push(l.type === 'maxpool2d' ? 'MaxPooling2D' : 'AveragePooling2D', {
          name, pool_size: pairOf(l.poolSize), padding: l.padding, strides: pairOf(l.strides ?? l.poolSize), data_format: 'channels_last',
        }, true);
        break;
      // (Keras 3.4 writes a build_config for pooling and flatten layers, 3.9 none for dropout or activations)
      case 'flatten': push('Flatten', { name, data_format: 'channels_last' }, true); break;
      case 'dropout': push('Dropout', { name, rate: l.rate, seed: null, noise_shape: null }, false); break;
      case 'gaussian_noise': push('GaussianNoise', { name, stddev: l.stddev, seed: null }, false); break;
      case 'batchnorm':
        push('BatchNormalization', {
          name, trainable: true, axis: -1, momentum: l.momentum, epsilon: l.epsilon, center: true, scale: true,
          beta_initializer: initializerJson('zeros'), gamma_initializer: initializerJson('ones'),
          moving_mean_initializer: initializerJson('zeros'), moving_variance_initializer: initializerJson('ones'),
          beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null, synchronized: false,
        }, true);
        break;
      case 'activation':
        if (l.activation === 'leaky_relu') push('LeakyReLU', { name, negative_slope: l.alpha }, false);
        else push('Activation', { name, activation: l.activation }, false);
        break;
    }
    shape = outputShape(l, shape);
  });
  return out;
}

/** A Keras 3 Sequential config (config.json of a .keras file) with its InputLayer. */
export function toKerasSequential(inputShape: number[], layers: LayerSpec[], name = 'sequential'): Json {
  const batchShape = [null, ...inputShape];
  const input = { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: batchShape, dtype: 'float32', sparse: false, ragged: false, name: 'input_layer' }, registered_name: null };
  return {
    module: 'keras', class_name: 'Sequential',
    config: { name, trainable: true, dtype: DTYPE, layers: [input, ...toKerasLayers(inputShape, layers)], build_input_shape: batchShape },
    registered_name: null, build_config: { input_shape: batchShape },
  };
}
