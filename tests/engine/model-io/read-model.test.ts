// Reading model files: the fixtures (.keras, .h5, a tfjs model.json saved by tfjs itself), the
// layouts of other Keras versions, and the one-line InputErrors for unsupported models and for
// damaged, truncated or misleading files.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../main/engine/errors.ts';
import { writeH5Bytes } from '../../../main/engine/model-io/hdf5.ts';
import { toKerasSequential } from '../../../main/engine/model-io/keras-config.ts';
import { readModel, readModelBytes } from '../../../main/engine/model-io/read-model.ts';
import { readZip, writeZip } from '../../../main/engine/model-io/zip.ts';
import { CNN, DIR, MLP } from '../../fixtures/models/make-fixtures.ts';

const SUPPORTED = 'Trainscope trains Dense, Conv2D, MaxPooling2D, AveragePooling2D, Flatten, Dropout, BatchNormalization, GaussianNoise and Activation/LeakyReLU/ReLU layers';
const fixture = (name: string) => join(DIR, name);
const tmp = mkdtempSync(join(tmpdir(), 'trainscope-read-model-'));

async function refusal(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(InputError);
  const message = (e as Error).message;
  expect(message).not.toContain('\n');
  return message;
}

/** The entries of a .keras fixture, with some replaced. */
function kerasWith(name: string, replace: Record<string, Uint8Array | string>): Uint8Array {
  const z = readZip(readFileSync(fixture(name)));
  return writeZip([...z.values()].map((e) => {
    const r = replace[e.name];
    return { name: e.name, data: r === undefined ? e.read() : typeof r === 'string' ? new TextEncoder().encode(r) : r };
  }));
}

const bits = (w: { values: Float32Array }[]) => w.map((a) => Buffer.from(a.values.buffer, a.values.byteOffset, a.values.byteLength).toString('base64'));

describe('reading the fixtures', () => {
  it.each([['mlp.keras', 'keras', MLP], ['mlp.h5', 'h5', MLP], ['cnn.keras', 'keras', CNN], ['cnn.h5', 'h5', CNN], ['tfjs-cnn/model.json', 'tfjs', CNN]] as const)('%s', async (name, format, want) => {
    const m = await readModel(fixture(name));
    expect(m.format).toBe(format);
    expect(m.producer).toBe({ keras: 'keras 3.9.2', h5: 'keras 2.15.0', tfjs: 'TensorFlow.js tfjs-layers v4.22.0' }[format]);
    expect(m.inputShape).toEqual(want.inputShape);
    // tfjs' own defaults differ from the spec's (glorot_normal kernels): compare the architecture without them
    const arch = (ls: typeof m.layers) => ls.map((l) => ({ ...l, ...(format === 'tfjs' && 'kernelInitializer' in l ? { kernelInitializer: 'x' } : {}) }));
    expect(arch(m.layers)).toEqual(arch(want.layers));
    expect(Object.keys(m.weights!)).toEqual(Object.keys(want.weights!));
    for (const [layer, arrays] of Object.entries(want.weights!)) {
      expect(m.weights![layer].map((a) => [a.name, a.shape])).toEqual(arrays.map((a) => [a.name, a.shape]));
      expect(bits(m.weights![layer])).toEqual(bits(arrays));
    }
  });

  it.each([
    ['functional-branch.keras', 'layer "dense_1" (Dense): its input is "input_layer", not the layer before it ("dense"); only a single chain of layers is supported (no branches or merges)'],
    ['lstm.h5', `layer "lstm_1" (LSTM): recurrent layers are not supported (${SUPPORTED})`],
    ['custom-layer.keras', `layer "scale" (Scale): custom layers are not supported (${SUPPORTED})`],
  ])('refuses %s', async (name, message) => {
    expect(await refusal(readModel(fixture(name)))).toBe(`${fixture(name)}: ${message}`);
  });
});

describe('other Keras layouts', () => {
  it("reads tf.keras 2.13-2.15 .keras weights under _layer_checkpoint_dependencies, and groups Keras only makes for layers with weights", async () => {
    const layers = [{ type: 'dense', units: 2, name: 'd' }, { type: 'dropout', rate: 0.5, name: 'x' }, { type: 'dense', units: 1, name: 'e' }];
    const config = JSON.stringify(toKerasSequential([3], layers.map((l) => ({ ...l, activation: 'linear', alpha: 0.3, kernelInitializer: 'glorot_uniform', biasInitializer: 'zeros', useBias: true, trainable: true })) as never));
    const h5 = await writeH5Bytes((w) => {
      w.dataset('/_layer_checkpoint_dependencies/dense/vars/0', Float32Array.of(1, 2, 3, 4, 5, 6), [3, 2]);
      w.dataset('/_layer_checkpoint_dependencies/dense/vars/1', Float32Array.of(7, 8), [2]);
      w.dataset('/_layer_checkpoint_dependencies/dense_1/vars/0', Float32Array.of(9, 10), [2, 1]);
      w.dataset('/_layer_checkpoint_dependencies/dense_1/vars/1', Float32Array.of(11), [1]);
    });
    const bytes = writeZip([{ name: 'metadata.json', data: new TextEncoder().encode('{"keras_version": "2.15.0"}') }, { name: 'config.json', data: new TextEncoder().encode(config) }, { name: 'model.weights.h5', data: h5 }]);
    const m = await readModelBytes('old.keras', bytes);
    expect(m.producer).toBe('keras 2.15.0');
    expect(Object.fromEntries(Object.entries(m.weights!).map(([k, v]) => [k, v.map((a) => [a.name, ...a.values])]))).toEqual({ d: [['kernel', 1, 2, 3, 4, 5, 6], ['bias', 7, 8]], e: [['kernel', 9, 10], ['bias', 11]] });
  });

  it('reads a legacy .h5 as Keras 3 writes it (weight names under the model name, no ":0", top_level_model_weights)', async () => {
    // the layout of real files saved by Keras 3.5-3.9 with model.save('m.h5')
    const dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
    const dense = (name: string, units: number, activation: string) => ({
      class_name: 'Dense', config: {
        name, trainable: true, dtype, units, activation, use_bias: true, kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
        bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null }, kernel_regularizer: null, bias_regularizer: null, kernel_constraint: null, bias_constraint: null,
      },
    });
    const config = { class_name: 'Sequential', config: { name: 'sequential_2', trainable: true, dtype, layers: [{ class_name: 'InputLayer', config: { batch_shape: [null, 3], dtype: 'float32', sparse: false, name: 'input_layer_2' } }, dense('dense_6', 2, 'relu'), dense('dense_7', 1, 'sigmoid')] } };
    const bytes = await writeH5Bytes((w) => {
      w.attr('/', 'model_config', JSON.stringify(config));
      w.attr('/', 'keras_version', '3.5.0');
      w.attr('/', 'backend', 'tensorflow');
      w.group('/model_weights');
      w.attr('/model_weights', 'layer_names', ['dense_6', 'dense_7']);
      for (const [name, shape] of [['dense_6', [3, 2]], ['dense_7', [2, 1]]] as const) {
        w.group(`/model_weights/${name}`);
        w.attr(`/model_weights/${name}`, 'weight_names', [`sequential_2/${name}/kernel`, `sequential_2/${name}/bias`]);
        w.dataset(`/model_weights/${name}/sequential_2/${name}/kernel`, Float32Array.from({ length: shape[0] * shape[1] }, (_, i) => i), [...shape]);
        w.dataset(`/model_weights/${name}/sequential_2/${name}/bias`, new Float32Array(shape[1]).fill(0.5), [shape[1]]);
      }
      w.group('/model_weights/top_level_model_weights');
      w.attr('/model_weights/top_level_model_weights', 'weight_names', []);
    });
    const m = await readModelBytes('churn.h5', bytes);
    expect([m.format, m.producer, m.inputShape]).toEqual(['h5', 'keras 3.5.0', [3]]);
    expect(m.layers.map((l) => [l.name, l.type, (l as { activation: string }).activation])).toEqual([['dense_6', 'dense', 'relu'], ['dense_7', 'dense', 'sigmoid']]);
    expect(m.weights!.dense_7.map((a) => [a.name, a.shape, ...a.values])).toEqual([['kernel', [2, 1], 0, 1], ['bias', [1], 0.5]]);
  });

  it('reads an architecture-only model.to_json() file', async () => {
    const json = JSON.stringify(toKerasSequential([4], MLP.layers.slice(3)));
    const m = await readModelBytes('model.json', new TextEncoder().encode(json));
    expect([m.format, m.weights, m.inputShape]).toEqual(['keras', null, [4]]);
  });
});

describe('files Trainscope refuses, in one line', () => {
  it('a weight that does not fit its layer', async () => {
    const config = JSON.parse(new TextDecoder().decode(readZip(readFileSync(fixture('mlp.keras'))).get('config.json')!.read()));
    config.config.layers[1].config.units = 16;
    const bytes = kerasWith('mlp.keras', { 'config.json': JSON.stringify(config) });
    expect(await refusal(readModelBytes('m.keras', bytes))).toBe('m.keras: layer "dense" (Dense): weight "kernel" has shape [784, 32], the layer needs [784, 16]');
  });

  it('a Keras 3 weights file without its model', async () => {
    const h5 = readZip(readFileSync(fixture('mlp.keras'))).get('model.weights.h5')!.read();
    expect(await refusal(readModelBytes('model.weights.h5', h5))).toBe('model.weights.h5: holds weights only; give the .keras file (or the .h5 written by model.save)');
  });

  it('a damaged or truncated .keras file', async () => {
    const bytes = readFileSync(fixture('mlp.keras'));
    expect(await refusal(readModelBytes('m.keras', bytes.subarray(0, 2000)))).toBe('m.keras: is not a valid .keras file: not a complete ZIP archive (no end of central directory: truncated?)');
    const damaged = Uint8Array.from(bytes);
    damaged[damaged.length - 3000] ^= 0xff; // inside model.weights.h5's deflated data
    expect(await refusal(readModelBytes('m.keras', damaged))).toMatch(/^m\.keras: is not a valid \.keras file: "model\.weights\.h5" /);
    const noConfig = writeZip([{ name: 'readme.txt', data: new Uint8Array(3) }]);
    expect(await refusal(readModelBytes('m.keras', noConfig))).toBe('m.keras: is a ZIP archive without config.json: not a Keras .keras file');
  });

  it('a truncated .h5 file', async () => {
    const bytes = readFileSync(fixture('mlp.h5'));
    const file = join(tmp, 'cut.h5');
    writeFileSync(file, bytes.subarray(0, 5000));
    expect(await refusal(readModel(file))).toBe(`${file}: is not a readable HDF5 file: the file is truncated: 5000 of its ${bytes.length} bytes`);
  });

  it('tfjs weights that are quantized or not float32, or missing', async () => {
    const json = JSON.parse(readFileSync(fixture('tfjs-cnn/model.json'), 'utf8'));
    const edit = (f: (w: Record<string, unknown>) => void) => {
      const j = structuredClone(json);
      f(j.weightsManifest[0].weights[0]);
      return new TextEncoder().encode(JSON.stringify(j));
    };
    const shard = async () => readFileSync(fixture('tfjs-cnn/weights.bin'));
    expect(await refusal(readModelBytes('model.json', edit((w) => { w.quantization = { dtype: 'uint8', scale: 0.1, min: 0 }; }), shard))).toBe('model.json: weight "conv2d/kernel" is quantized; only float32 weights are supported');
    expect(await refusal(readModelBytes('model.json', edit((w) => { w.dtype = 'int32'; }), shard))).toBe('model.json: weight "conv2d/kernel" is int32; only float32 weights are supported');
    expect(await refusal(readModelBytes('model.json', edit(() => {})))).toBe('model.json: its weights are in weights.bin: give those files too');
    const dir = mkdtempSync(join(tmp, 'tfjs-'));
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    expect(await refusal(readModel(join(dir, 'model.json')))).toBe(`${join(dir, 'model.json')}: cannot read its weight file weights.bin (ENOENT)`);
    writeFileSync(join(dir, 'weights.bin'), readFileSync(fixture('tfjs-cnn/weights.bin')).subarray(0, 100));
    expect(await refusal(readModel(join(dir, 'model.json')))).toBe(`${join(dir, 'model.json')}: its weight files hold 100 bytes, fewer than the manifest's weights need (at "conv2d/kernel")`);
  });

  it('files that are not models', async () => {
    expect(await refusal(readModelBytes('notes.txt', new TextEncoder().encode('hello')))).toBe('notes.txt: is not a model file Trainscope reads (a Keras .keras or .h5 file, or a TensorFlow.js model.json)');
    expect(await refusal(readModelBytes('x.json', new TextEncoder().encode('{"a": 1}')))).toBe('x.json: is JSON but not a model: no modelTopology (TensorFlow.js) or class_name (Keras)');
    expect(await refusal(readModelBytes('x.json', new TextEncoder().encode('{"format": "graph-model"}')))).toBe('x.json: is a TensorFlow.js graph model; only layers models (tf.LayersModel) are supported');
    expect(await refusal(readModel(join(tmp, 'missing.keras')))).toBe(`${join(tmp, 'missing.keras')}: cannot read the file (ENOENT)`);
  });
});
