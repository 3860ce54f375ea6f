// Keras layer configs <-> spec layers: every supported class in Keras 3, Keras 2 and tfjs form,
// what Keras 3 itself writes, and the one-line refusals for what the spec cannot express.
import { describe, expect, it } from 'vitest';
import { layerSchema, type LayerSpec } from '../../../shared/spec.ts';
import { InputError } from '../../../main/engine/errors.ts';
import { parseModelConfig, sanitiseName, snakeCase, toKerasLayers, toKerasSequential, type KerasLayer } from '../../../main/engine/model-io/keras-config.ts';

const SUPPORTED = 'Trainscope trains Dense, Conv2D, MaxPooling2D, AveragePooling2D, Flatten, Dropout, BatchNormalization, GaussianNoise and Activation/LeakyReLU/ReLU layers';
const spec = (l: object) => layerSchema.parse(l) as LayerSpec;
const DTYPE = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };

/** A Keras 3 Sequential of these spec layers, with `edit` applied to the config of layer `at`. */
function k3(inputShape: number[], layers: object[], at = -1, edit: (c: Record<string, unknown>) => void = () => {}) {
  const cfg = toKerasSequential(inputShape, layers.map(spec)) as { config: { layers: KerasLayer[] } };
  if (at >= 0) edit(cfg.config.layers[at + 1].config);
  return cfg;
}

/** A Keras 2 (tf.keras 2.x) Sequential: class_name + config only, the input on the first layer. */
const k2 = (layers: { class_name: string; config: object }[]) => ({ class_name: 'Sequential', config: { name: 'sequential', layers } });

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('not refused');
};

describe('writing Keras 3 configs', () => {
  it('writes a Dense as Keras 3.9 does (every field, module, registered_name, build_config)', () => {
    const [dense] = toKerasLayers([4], [spec({ type: 'dense', units: 64, activation: 'relu', name: 'dense' })]);
    expect(dense).toEqual({
      module: 'keras.layers', class_name: 'Dense',
      config: {
        name: 'dense', trainable: true, dtype: DTYPE, units: 64, activation: 'relu', use_bias: true,
        kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
        bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
        kernel_regularizer: null, bias_regularizer: null, kernel_constraint: null, bias_constraint: null,
      },
      registered_name: null, build_config: { input_shape: [null, 4] },
    });
  });

  it('writes a Sequential with its InputLayer and build shapes along the chain', () => {
    const cfg = k3([12, 12, 1], [{ type: 'conv2d', filters: 8, name: 'c' }, { type: 'maxpool2d', name: 'p' }, { type: 'flatten', name: 'f' }, { type: 'dense', units: 3, name: 'd' }]);
    expect(cfg).toMatchObject({ module: 'keras', class_name: 'Sequential', registered_name: null, build_config: { input_shape: [null, 12, 12, 1] } });
    const layers = cfg.config.layers;
    expect(layers[0]).toEqual({ module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 12, 12, 1], dtype: 'float32', sparse: false, ragged: false, name: 'input_layer' }, registered_name: null });
    expect(layers[1].config).toMatchObject({ kernel_size: [3, 3], strides: [1, 1], dilation_rate: [1, 1], groups: 1, data_format: 'channels_last', activity_regularizer: null });
    expect(layers[2].config).toMatchObject({ pool_size: [2, 2], strides: [2, 2], padding: 'valid', data_format: 'channels_last' });
    expect(layers[4].build_config).toEqual({ input_shape: [null, 5 * 5 * 8] });
  });

  it('writes leaky_relu on a dense layer as the layer plus a LeakyReLU "<name>_leaky_relu", and reads it back as one layer', () => {
    const layers = [spec({ type: 'dense', units: 3, activation: 'leaky_relu', alpha: 0.1, name: 'h' })];
    const keras = toKerasLayers([2], layers);
    expect(keras.map((k) => [k.class_name, k.config.name, k.config.activation ?? k.config.negative_slope])).toEqual([['Dense', 'h', 'linear'], ['LeakyReLU', 'h_leaky_relu', 0.1]]);
    expect(parseModelConfig('m.keras', toKerasSequential([2], layers)).layers).toEqual(layers);
  });

  it("names weights groups as Keras' to_snake_case does", () => {
    expect(['Dense', 'Conv2D', 'MaxPooling2D', 'BatchNormalization', 'LeakyReLU', 'GaussianNoise'].map(snakeCase))
      .toEqual(['dense', 'conv2d', 'max_pooling2d', 'batch_normalization', 'leaky_re_lu', 'gaussian_noise']);
  });
});

describe('reading Keras configs', () => {
  const all = [
    { type: 'conv2d', filters: 4, kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'elu', kernelInitializer: 'lecun_uniform', biasInitializer: { type: 'constant', value: 0.1 }, kernelRegularizer: { l1: 0.01, l2: 0 }, maxNorm: 2, trainable: false, name: 'c1' },
    { type: 'avgpool2d', poolSize: 2, strides: 1, name: 'a1' },
    { type: 'maxpool2d', poolSize: [2, 1], padding: 'same', name: 'm1' },
    { type: 'batchnorm', momentum: 0.9, epsilon: 1e-5, name: 'b1' },
    { type: 'gaussian_noise', stddev: 0.1, name: 'g1' },
    { type: 'flatten', name: 'f1' },
    { type: 'dense', units: 5, activation: 'selu', useBias: false, kernelInitializer: { type: 'random_normal', mean: 0, stddev: 0.02 }, biasRegularizer: { l1: 0, l2: 0.5 }, name: 'd1' },
    { type: 'dropout', rate: 0.3, name: 'dr' },
    { type: 'activation', activation: 'tanh', name: 't1' },
    { type: 'activation', activation: 'leaky_relu', alpha: 0.05, name: 'l1' },
    { type: 'dense', units: 2, activation: 'softmax', name: 'out' },
  ];

  it('reads back every layer type and option Keras 3 can hold', () => {
    const m = parseModelConfig('m.keras', k3([8, 8, 3], all));
    expect(m.inputShape).toEqual([8, 8, 3]);
    expect(m.layers).toEqual(all.map(spec));
    expect(m.weightPaths).toEqual(['conv2d', 'average_pooling2d', 'max_pooling2d', 'batch_normalization', 'gaussian_noise', 'flatten', 'dense', 'dropout', 'activation', 'leaky_re_lu', 'dense_1']);
    expect(m.inputShapes[6]).toEqual([2 * 3 * 4]); // 8x8 -> conv stride 2 same 4x4 -> avgpool 2 stride 1 3x3 -> maxpool [2,1] same 2x3
  });

  it('reads Keras 2 configs: the list form of Keras 2.2, VarianceScaling initialisers, alpha for LeakyReLU', () => {
    const vs = (scale: number, mode: string, distribution: string) => ({ class_name: 'VarianceScaling', config: { scale, mode, distribution, seed: null } });
    const layers = [
      { class_name: 'Dense', config: { name: 'dense_1', batch_input_shape: [null, 6], dtype: 'float32', units: 4, activation: 'relu', use_bias: true, kernel_initializer: vs(2, 'fan_in', 'truncated_normal'), bias_initializer: { class_name: 'Zeros', config: {} }, kernel_regularizer: { class_name: 'L1L2', config: { l1: 0, l2: 0.001 } }, bias_regularizer: null, activity_regularizer: null, kernel_constraint: { class_name: 'MaxNorm', config: { max_value: 3, axis: 0 } }, bias_constraint: null } },
      { class_name: 'LeakyReLU', config: { name: 'leaky', alpha: 0.3 } },
      { class_name: 'ReLU', config: { name: 'relu', max_value: null, negative_slope: 0, threshold: 0 } },
      { class_name: 'Dense', config: { name: 'dense_2', units: 2, activation: 'softmax', kernel_initializer: vs(1, 'fan_avg', 'uniform'), bias_initializer: 'zeros' } },
    ];
    const expected = [
      spec({ type: 'dense', units: 4, activation: 'relu', kernelInitializer: 'he_normal', kernelRegularizer: { l1: 0, l2: 0.001 }, maxNorm: 3, name: 'dense_1' }),
      spec({ type: 'activation', activation: 'leaky_relu', alpha: 0.3, name: 'leaky' }),
      spec({ type: 'activation', activation: 'relu', name: 'relu' }),
      spec({ type: 'dense', units: 2, activation: 'softmax', name: 'dense_2' }),
    ];
    for (const cfg of [{ class_name: 'Sequential', config: layers }, k2(layers)]) {
      const m = parseModelConfig('m.h5', cfg);
      expect(m.inputShape).toEqual([6]);
      expect(m.layers).toEqual(expected);
    }
  });

  it('reads the fields newer Keras 3 writes (3.15: optional inputs, quantization_config, initialiser axes, BN renorm)', () => {
    const cfg = k3([4], [{ type: 'dense', units: 2, name: 'd' }, { type: 'batchnorm', name: 'bn' }]);
    Object.assign(cfg.config.layers[0].config, { optional: false });
    Object.assign(cfg.config.layers[1].config, { quantization_config: null, kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null, input_axes: null, output_axes: null }, registered_name: null } });
    Object.assign(cfg.config.layers[2].config, { renorm: false, renorm_clipping: null, renorm_momentum: 0.99 });
    expect(parseModelConfig('m.keras', cfg).layers).toEqual([spec({ type: 'dense', units: 2, name: 'd' }), spec({ type: 'batchnorm', name: 'bn' })]);
  });

  it('reads Keras 3 activation leaky_relu with its fixed slope 0.2, and the snake_case initialiser strings', () => {
    const m = parseModelConfig('m.keras', k3([3], [{ type: 'dense', units: 2, name: 'd' }], 0, (c) => { c.activation = 'leaky_relu'; c.kernel_initializer = 'he_uniform'; }));
    expect(m.layers[0]).toMatchObject({ activation: 'leaky_relu', alpha: 0.2, kernelInitializer: 'he_uniform' });
  });

  it('reads Functional models that are a single chain (Keras 3 and Keras 2 inbound nodes)', () => {
    const keras = toKerasLayers([4], [spec({ type: 'dense', units: 3, name: 'a' }), spec({ type: 'dense', units: 2, name: 'b' })]);
    const t = (from: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 4], dtype: 'float32', keras_history: [from, 0, 0] } });
    const input = { class_name: 'InputLayer', config: { batch_shape: [null, 4], name: 'in' }, name: 'in', inbound_nodes: [] };
    const f3 = { class_name: 'Functional', config: { name: 'f', input_layers: [['in', 0, 0]], output_layers: [['b', 0, 0]], layers: [input, { ...keras[0], name: 'a', inbound_nodes: [{ args: [t('in')], kwargs: {} }] }, { ...keras[1], name: 'b', inbound_nodes: [{ args: [t('a')], kwargs: {} }] }] } };
    const f2 = { class_name: 'Model', config: { name: 'f', input_layers: [['in', 0, 0]], output_layers: [['b', 0, 0]], layers: [{ ...input, config: { batch_input_shape: [null, 4], name: 'in' } }, { ...keras[0], name: 'a', inbound_nodes: [[['in', 0, 0, {}]]] }, { ...keras[1], name: 'b', inbound_nodes: [[['a', 0, 0, {}]]] }] } };
    for (const cfg of [f3, f2]) expect(parseModelConfig('m', cfg).layers.map((l) => l.name)).toEqual(['a', 'b']);
    const shared = structuredClone(f2);
    shared.config.layers[2].inbound_nodes.push([['a', 0, 0, {}]]);
    expect(refusal(() => parseModelConfig('m.h5', shared))).toBe('m.h5: layer "b" (Dense): is applied more than once (shared layers are not supported: only a single chain of layers is)');
    const twoInputs = structuredClone(f2);
    twoInputs.config.input_layers.push(['in2', 0, 0]);
    expect(refusal(() => parseModelConfig('m.h5', twoInputs))).toBe('m.h5: the model has 2 inputs; only models with one input are supported');
  });

  it('sanitises layer names the spec does not allow, the same way everywhere', () => {
    const taken = new Set<string>();
    expect(['1st', 'dense.a', '_x', 'dense_a', 'ok'].map((n) => sanitiseName(n, taken))).toEqual(['layer_1st', 'dense_a', 'layer__x', 'dense_a_2', 'ok']);
    const m = parseModelConfig('m.keras', k3([3], [{ type: 'dense', units: 2, name: 'd' }], 0, (c) => { c.name = '0dense/x'; }));
    expect(m.layers[0].name).toBe('layer_0dense_x');
    expect(m.fileNames[0]).toBe('0dense/x');
  });
});

describe('refusals: one line naming the file, the layer, its class and why', () => {
  const dense = [{ type: 'dense', units: 2, name: 'dense' }];
  const conv = [{ type: 'conv2d', filters: 2, name: 'conv' }];
  const cases: [string, unknown, string][] = [
    ['Conv2D dilation', k3([8, 8, 1], conv, 0, (c) => { c.dilation_rate = [2, 2]; }), 'layer "conv" (Conv2D): dilation_rate [2,2] is not supported (dilation 1 only)'],
    ['Conv2D groups', k3([8, 8, 2], conv, 0, (c) => { c.groups = 2; }), 'layer "conv" (Conv2D): groups 2 is not supported (groups 1 only)'],
    ['channels_first', k3([8, 8, 1], conv, 0, (c) => { c.data_format = 'channels_first'; }), 'layer "conv" (Conv2D): data_format "channels_first" is not supported (channels_last only)'],
    ['BN center=false', k3([4], [{ type: 'batchnorm', name: 'bn' }], 0, (c) => { c.center = false; }), 'layer "bn" (BatchNormalization): center false is not supported (center true only)'],
    ['BN on another axis', k3([4, 4, 2], [{ type: 'batchnorm', name: 'bn' }], 0, (c) => { c.axis = 1; }), 'layer "bn" (BatchNormalization): axis 1 is not supported (the last axis only)'],
    ['a frozen BN', k3([4], [{ type: 'batchnorm', name: 'bn' }], 0, (c) => { c.trainable = false; }), 'layer "bn" (BatchNormalization): trainable false is not supported (a frozen BatchNormalization runs in inference mode in Keras, which Trainscope cannot do: unfreeze it)'],
    ['a constraint other than MaxNorm', k3([4], dense, 0, (c) => { c.kernel_constraint = { module: 'keras.constraints', class_name: 'UnitNorm', config: { axis: 0 }, registered_name: null }; }), 'layer "dense" (Dense): kernel_constraint "UnitNorm" is not supported (only MaxNorm)'],
    ['MaxNorm on another axis', k3([8, 8, 1], conv, 0, (c) => { c.kernel_constraint = { class_name: 'MaxNorm', config: { max_value: 2, axis: 0 } }; }), 'layer "conv" (Conv2D): kernel_constraint MaxNorm on axis 0 is not supported (this layer\'s max-norm is over axis [0,1,2])'],
    ['an activity regulariser', k3([4], dense, 0, (c) => { c.activity_regularizer = { class_name: 'L2', config: { l2: 0.01 } }; }), 'layer "dense" (Dense): activity_regularizer {"class_name":"L2","config":{"l2":0.01}} is not supported (none)'],
    ['a bias constraint', k3([4], dense, 0, (c) => { c.bias_constraint = { class_name: 'NonNeg', config: {} }; }), 'layer "dense" (Dense): bias_constraint {"class_name":"NonNeg","config":{}} is not supported (none)'],
    ['an activation the spec lacks', k3([4], dense, 0, (c) => { c.activation = 'gelu'; }), 'layer "dense" (Dense): activation "gelu" is not supported (sigmoid, tanh, relu, leaky_relu, elu, selu, softmax, linear)'],
    ['an initialiser the spec lacks', k3([4], dense, 0, (c) => { c.kernel_initializer = { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } }; }), 'layer "dense" (Dense): kernel_initializer RandomUniform {"minval":-0.05,"maxval":0.05,"seed":null} is not supported (GlorotUniform, GlorotNormal, HeNormal, HeUniform, LecunNormal, LecunUniform, Zeros, Ones, RandomNormal, Constant)'],
    ['mixed precision', k3([4], dense, 0, (c) => { c.dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'mixed_float16' } }; }), 'layer "dense" (Dense): dtype {"module":"keras","class_name":"DTypePolicy","config":{"name":"mixed_float16"}} is not supported (float32 only)'],
    ['an LSTM', k2([{ class_name: 'LSTM', config: { name: 'lstm_1', batch_input_shape: [null, 5, 3], units: 4 } }]), `layer "lstm_1" (LSTM): recurrent layers are not supported (${SUPPORTED})`],
    ['a GRU', k2([{ class_name: 'GRU', config: { name: 'gru', batch_input_shape: [null, 5, 3], units: 4 } }]), `layer "gru" (GRU): recurrent layers are not supported (${SUPPORTED})`],
    ['an unknown class', k2([{ class_name: 'Dense', config: { name: 'd', batch_input_shape: [null, 4], units: 2 } }, { class_name: 'LayerNormalization', config: { name: 'ln' } }]), `layer "ln" (LayerNormalization): this layer class is not supported (${SUPPORTED})`],
    ['a custom class', { ...k3([4], dense), config: { ...k3([4], dense).config, layers: [...k3([4], dense).config.layers, { module: 'my_pkg.layers', class_name: 'Scale', config: { name: 'scale' }, registered_name: 'MyPkg>Scale' }] } }, `layer "scale" (Scale): custom layers are not supported (${SUPPORTED})`],
    ['a ReLU with a cap', k2([{ class_name: 'Dense', config: { name: 'd', batch_input_shape: [null, 4], units: 2 } }, { class_name: 'ReLU', config: { name: 'relu6', max_value: 6 } }]), 'layer "relu6" (ReLU): max_value 6 is not supported (none)'],
    ['a conv on a flat input', k3([16], conv), 'layer "conv" (Conv2D): needs an input of shape [height, width, channels], not [16]'],
  ];
  it.each(cases)('%s', (_, cfg, message) => {
    expect(refusal(() => parseModelConfig('model.keras', cfg))).toBe(`model.keras: ${message}`);
  });

  it('refuses a model without an input shape, or of another class', () => {
    expect(refusal(() => parseModelConfig('m.h5', k2([{ class_name: 'Dense', config: { name: 'd', units: 2 } }])))).toBe('m.h5: the model does not say its input shape (every dimension but the batch must be known: give the model an Input layer)');
    expect(refusal(() => parseModelConfig('m.h5', k2([{ class_name: 'Dense', config: { name: 'd', batch_input_shape: [null, null, 4], units: 2 } }])))).toMatch(/does not say its input shape/);
    expect(refusal(() => parseModelConfig('m.h5', { class_name: 'MyModel', config: {} }))).toBe('m.h5: the model class "MyModel" is not supported (Sequential models, and Functional models that are one chain of layers)');
  });
});
