// Write -> read for each format gives the same architecture and bit-equal weights; and the
// weights read into a tfjs model built by buildModel from the read layers compute what the
// original computes (the tfjs-saved CNN fixture, and our own tfjs output loaded by tfjs itself).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { validateSpec, layerSchema, type LayerSpec } from '../../../shared/spec.ts';
import { mulberry32 } from '../../../shared/random.ts';
import type { DataInfo } from '../../../shared/events.ts';
import { buildModel } from '../../../main/engine/model/build.ts';
import { readModel, readModelBytes } from '../../../main/engine/model-io/read-model.ts';
import type { NeutralModel } from '../../../main/engine/model-io/types.ts';
import { writeH5, writeKeras, writeTfjs } from '../../../main/engine/model-io/write-keras.ts';
import { CNN, DIR, MLP, seededWeights } from '../../fixtures/models/make-fixtures.ts';

const tmp = mkdtempSync(join(tmpdir(), 'trainscope-round-trip-'));

/** Every layer type and option the spec has, in one model. */
const KITCHEN_LAYERS = [
  { type: 'gaussian_noise', stddev: 0.1, name: 'noise' },
  { type: 'conv2d', filters: 4, kernelSize: [3, 2], strides: [1, 2], padding: 'same', activation: 'leaky_relu', alpha: 0.15, kernelInitializer: 'lecun_normal', biasInitializer: { type: 'constant', value: 0.01 }, kernelRegularizer: { l1: 0.001, l2: 0.002 }, maxNorm: 2.5, name: 'conv_a' },
  { type: 'batchnorm', momentum: 0.95, epsilon: 1e-4, name: 'bn_a' },
  { type: 'avgpool2d', poolSize: 2, strides: 1, name: 'avg' },
  { type: 'conv2d', filters: 3, useBias: false, activation: 'tanh', trainable: false, name: 'conv_b' },
  { type: 'maxpool2d', poolSize: [2, 1], padding: 'same', name: 'max' },
  { type: 'flatten', name: 'flat' },
  { type: 'dense', units: 6, activation: 'selu', kernelInitializer: { type: 'random_normal', mean: 0.01, stddev: 0.1 }, biasRegularizer: { l1: 0, l2: 0.1 }, name: 'hidden' },
  { type: 'activation', activation: 'leaky_relu', alpha: 0.05, name: 'act_leaky' },
  { type: 'dropout', rate: 0.25, name: 'drop' },
  { type: 'activation', activation: 'sigmoid', name: 'act_sig' },
  { type: 'dense', units: 3, activation: 'softmax', kernelInitializer: 'he_uniform', name: 'out' },
].map((l) => layerSchema.parse(l)) as LayerSpec[];
const KITCHEN: NeutralModel = { inputShape: [9, 8, 2], layers: KITCHEN_LAYERS, weights: seededWeights([9, 8, 2], KITCHEN_LAYERS, 7) };

const bits = (m: NeutralModel) => Object.fromEntries(Object.entries(m.weights ?? {}).map(([k, v]) => [k, v.map((a) => [a.name, a.shape, Buffer.from(a.values.buffer, a.values.byteOffset, a.values.byteLength).toString('base64')])]));

const writers: [string, (m: NeutralModel, to: string) => Promise<string>][] = [
  ['keras', async (m, to) => (await writeKeras(m, `${to}.keras`), `${to}.keras`)],
  ['h5', async (m, to) => (await writeH5(m, `${to}.h5`), `${to}.h5`)],
  ['tfjs', async (m, to) => (await writeTfjs(m, to), join(to, 'model.json'))],
];

describe('write -> read', () => {
  for (const [format, write] of writers) {
    it.each([['mlp', MLP], ['cnn', CNN], ['kitchen', KITCHEN], ['no weights', { ...MLP, weights: null }]] as const)(`${format}: %s`, async (name, model) => {
      const back = await readModel(await write(model, join(tmp, `${format}-${name.replace(' ', '-')}`)));
      expect(back.format).toBe(format);
      expect(back.inputShape).toEqual(model.inputShape);
      expect(back.layers).toEqual(model.layers);
      expect(back.weights === null).toBe(model.weights === null);
      expect(bits(back)).toEqual(bits(model));
    });
  }

  it('refuses to write weights that do not fit the layers', async () => {
    const bad = { ...MLP, weights: { ...MLP.weights!, dense_1: MLP.weights!.dense_1.slice(0, 1) } };
    await expect(writeKeras(bad, join(tmp, 'bad.keras'))).rejects.toThrow('bad.keras: layer "dense_1": its weights [kernel [32,10]] do not fit the layer (kernel [32,10], bias [10])');
  });
});

// ---------------------------------------------------------------- outputs

/** A tfjs model built by buildModel from these layers, with the weights set by layer name. */
function built(m: NeutralModel, classes: number): tf.LayersModel {
  const r = validateSpec({ data: { train: { type: 'synthetic', name: 'blobs' } }, model: { layers: m.layers } });
  if (!r.ok) throw new Error(r.issues[0].message);
  const { model } = buildModel(r.spec, { inputShape: m.inputShape, classes } as DataInfo);
  for (const [name, arrays] of Object.entries(m.weights ?? {})) model.getLayer(name).setWeights(arrays.map((a) => tf.tensor(a.values, a.shape)));
  return model;
}

function inputs(shape: number[], seed: number) {
  const rand = mulberry32(seed);
  const n = 16 * shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => rand() * 2 - 1), [16, ...shape]);
}

/** tfjs' own loader, from a model.json and its weights.bin (it applies kernel constraints on load). */
async function tfjsLoad(dir: string) {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const data = readFileSync(join(dir, 'weights.bin'));
  return tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights,
    weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
  }));
}

describe('a model tfjs saves from buildModel', () => {
  it('reads back as the spec layers (Functional, its InputLayer, leaky_relu as a layer of its own) with its weights', async () => {
    const model = built(KITCHEN, 3);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const json = { modelTopology: artifacts!.modelTopology, format: 'layers-model', weightsManifest: [{ paths: ['weights.bin'], weights: artifacts!.weightSpecs }] };
    const data = new Uint8Array(artifacts!.weightData as ArrayBuffer);
    const back = await readModelBytes('model.json', new TextEncoder().encode(JSON.stringify(json)), async () => data);
    expect((artifacts!.modelTopology as { class_name: string }).class_name).toBe('Model');
    // tfjs writes its own initialiser for each layer, and no max-norm: buildModel applies that
    // itself after each update (tfjs' optimizers skip layer constraints). The rest must survive.
    const arch = (ls: LayerSpec[]) => ls.map((l) => ('kernelInitializer' in l ? { ...l, kernelInitializer: 'x', biasInitializer: 'x', maxNorm: undefined } : l));
    expect(arch(back.layers)).toEqual(arch(KITCHEN.layers));
    expect(bits(back)).toEqual(bits(KITCHEN));
  });
});

describe('weights read into a model built by buildModel', () => {
  it('give the outputs of the model tfjs saved (tfjs-cnn fixture)', async () => {
    const original = await tfjsLoad(join(DIR, 'tfjs-cnn'));
    const read = await readModel(join(DIR, 'tfjs-cnn', 'model.json'));
    const model = built(read, 10);
    const x = inputs([12, 12, 1], 1);
    const want = await (original.predict(x) as tf.Tensor).data(), got = await (model.predict(x) as tf.Tensor).data();
    expect(Array.from(got)).toEqual(Array.from(want));
  });

  it.each([['keras', 0], ['h5', 1], ['tfjs', 2]] as const)('give the original model\'s outputs after a %s round trip (MLP and the kitchen sink)', async (format, w) => {
    for (const [name, m, classes] of [['mlp', MLP, 10], ['kitchen', KITCHEN, 3]] as const) {
      const back = await readModel(await writers[w][1](m, join(tmp, `out-${format}-${name}`)));
      const x = inputs(m.inputShape, 2);
      const want = await (built(m, classes).predict(x) as tf.Tensor).data();
      const got = await (built(back, classes).predict(x) as tf.Tensor).data();
      expect(Array.from(got)).toEqual(Array.from(want));
      if (format === 'tfjs') {
        // tfjs itself loads what writeTfjs wrote, and computes the same
        const loaded = await tfjsLoad(join(tmp, `out-${format}-${name}`));
        const theirs = await (loaded.predict(x) as tf.Tensor).data();
        Array.from(theirs).forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
      }
    }
  });
});
