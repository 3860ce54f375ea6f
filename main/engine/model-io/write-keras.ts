// Writes the neutral form as a Keras 3 .keras file, a legacy Keras 2 .h5 file, or a tfjs
// layers model (model.json + weights.bin), each in the layout its own library writes, so Keras
// (or tfjs) loads it without Trainscope.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LayerSpec } from '../../../shared/spec.ts';
import { InputError, OutputError } from '../errors.ts';
import { writeH5Bytes, type H5Writer } from './hdf5.ts';
import { outputShape as outShape, snakeCase, toKerasLayers, toKerasSequential, weightSpecs, type KerasLayer } from './keras-config.ts';
import type { NeutralModel, WeightArray } from './types.ts';
import { writeZip } from './zip.ts';

/** The Keras version whose output we mirror (checked against files Keras 3.9.2 saved). */
const KERAS3_VERSION = '3.9.2';
/** Keras 2's legacy .h5 layout and config form, as tf.keras 2.15 writes them. */
const KERAS2_VERSION = '2.15.0';

/** The layer names and weights, in order, checked against the architecture before anything is written. */
function weightsOf(model: NeutralModel, file: string): { name: string; arrays: WeightArray[] }[] {
  let shape = model.inputShape;
  return model.layers.map((l, i) => {
    const name = l.name ?? `${l.type}_${i + 1}`;
    const need = weightSpecs(l, shape);
    const have = model.weights?.[name] ?? [];
    if (model.weights && (have.length !== need.length || need.some((n, k) => n.shape.join() !== have[k].shape.join()))) {
      throw new InputError(file, `layer "${name}": its weights [${have.map((w) => `${w.name} [${w.shape}]`).join(', ')}] do not fit the layer (${need.map((n) => `${n.name} [${n.shape}]`).join(', ')})`);
    }
    shape = outShape(l, shape);
    return { name, arrays: have };
  });
}

async function save(file: string, bytes: Uint8Array | string) {
  try {
    await writeFile(file, bytes);
  } catch (e) {
    throw new OutputError(file, e);
  }
}

// ---------------------------------------------------------------- .keras

/**
 * Keras 3's weights layout: `layers/<class_snake>[_n]/vars/<i>` for every layer of the Sequential
 * model (its InputLayer excluded), an empty `vars` group for layers without weights, and the
 * model's own (empty) `vars` at the root. Keras 3.6+ also tags each `vars` group with the layer's
 * name; older versions ignore the attribute.
 */
function kerasWeights(w: H5Writer, keras: KerasLayer[], weights: Map<string, WeightArray[]>) {
  const used: Record<string, number> = {};
  for (const k of keras) {
    const snake = snakeCase(k.class_name);
    used[snake] = (used[snake] ?? -1) + 1;
    const group = `/layers/${used[snake] ? `${snake}_${used[snake]}` : snake}/vars`;
    w.group(group);
    w.attr(group, 'name', String(k.config.name));
    (weights.get(String(k.config.name)) ?? []).forEach((a, i) => w.dataset(`${group}/${i}`, a.values, a.shape));
  }
  w.group('/vars');
  w.attr('/vars', 'name', 'sequential');
}

/** Writes a Keras 3 `.keras` file (metadata.json, config.json, model.weights.h5); `saved` is the date metadata.json gives (fixtures pin it). */
export async function writeKeras(model: NeutralModel, file: string, saved = new Date()): Promise<void> {
  const layers = weightsOf(model, file);
  const config = toKerasSequential(model.inputShape, named(model.layers));
  const keras = (config.config as { layers: KerasLayer[] }).layers.slice(1);
  const byName = new Map(layers.map((l) => [l.name, l.arrays]));
  const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  // without weights, no model.weights.h5: our reader gives weights null (Keras itself needs the file)
  const h5 = model.weights ? [{ name: 'model.weights.h5', data: await writeH5Bytes((w) => kerasWeights(w, keras, byName)) }] : [];
  await save(file, writeZip([
    { name: 'metadata.json', data: enc({ keras_version: KERAS3_VERSION, date_saved: dateSaved(saved) }) },
    { name: 'config.json', data: enc(config) },
    ...h5,
  ]));
}

/** Keras' own format: 2026-01-31@12:00:00 */
function dateSaved(d: Date) {
  return d.toISOString().slice(0, 19).replace('T', '@');
}

// ---------------------------------------------------------------- Keras 2 / tfjs configs

/**
 * A Keras 3 layer config in Keras 2's form (which tfjs-layers also reads): no module,
 * registered_name or build_config; dtype a string; LeakyReLU's slope called alpha. For tfjs the
 * LeCun initialisers have tfjs' class names.
 */
function keras2(v: unknown, tfjs: boolean): unknown {
  if (Array.isArray(v)) return v.map((x) => keras2(x, tfjs));
  if (typeof v !== 'object' || v === null) return v;
  const o = v as Record<string, unknown>;
  if (o.class_name === 'DTypePolicy') return 'float32';
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) {
    if (k === 'module' || k === 'registered_name' || k === 'build_config') continue;
    out[k === 'negative_slope' ? 'alpha' : k] = keras2(x, tfjs);
  }
  if (tfjs && typeof out.class_name === 'string') out.class_name = out.class_name.replace(/^Lecun/, 'LeCun');
  return out;
}

function keras2Layers(model: NeutralModel, tfjs: boolean): Record<string, unknown>[] {
  const layers = toKerasLayers(model.inputShape, named(model.layers)).map((k) => keras2(k, tfjs) as { class_name: string; config: Record<string, unknown> });
  // Keras 2 Sequential: the first layer carries the input shape; tf.keras 2.x also lists an
  // InputLayer named "<first>_input" (tfjs writes none)
  const batch = [null, ...model.inputShape];
  layers[0].config = { ...layers[0].config, batch_input_shape: batch };
  for (const k of layers) if (k.class_name === 'Dense') k.config.activity_regularizer ??= null;
  if (tfjs) return layers;
  const input = { class_name: 'InputLayer', config: { batch_input_shape: batch, dtype: 'float32', sparse: false, ragged: false, name: `${layers[0].config.name}_input` } };
  return [input, ...layers];
}

// ---------------------------------------------------------------- .h5 (Keras 2)

/**
 * Writes a legacy Keras 2 `.h5` file (model.save('m.h5')): root attributes model_config,
 * keras_version and backend; `model_weights` with `layer_names`, and per layer a group with
 * `weight_names` ("dense/kernel:0") and the datasets at those paths.
 */
export async function writeH5(model: NeutralModel, file: string): Promise<void> {
  const layers = weightsOf(model, file);
  const keras = keras2Layers(model, false);
  const weights = new Map(layers.map((l) => [l.name, l.arrays]));
  const bytes = await writeH5Bytes((w) => {
    w.attr('/', 'model_config', JSON.stringify({ class_name: 'Sequential', config: { name: 'sequential', layers: keras } }));
    w.attr('/', 'keras_version', KERAS2_VERSION);
    w.attr('/', 'backend', 'tensorflow');
    if (!model.weights) return; // architecture only: no model_weights group
    w.group('/model_weights');
    // layer_names: the model's layers, its InputLayer excluded (as model.layers lists them)
    const names = keras.filter((k) => k.class_name !== 'InputLayer').map((k) => String((k.config as { name: string }).name));
    w.attr('/model_weights', 'layer_names', names);
    w.attr('/model_weights', 'keras_version', KERAS2_VERSION);
    w.attr('/model_weights', 'backend', 'tensorflow');
    for (const name of names) {
      const arrays = weights.get(name) ?? [];
      w.group(`/model_weights/${name}`);
      w.attr(`/model_weights/${name}`, 'weight_names', arrays.map((a) => `${name}/${a.name}:0`));
      for (const a of arrays) w.dataset(`/model_weights/${name}/${name}/${a.name}:0`, a.values, a.shape);
    }
  });
  await save(file, bytes);
}

// ---------------------------------------------------------------- tfjs

/** Writes a tfjs layers model: `dir/model.json` and `dir/weights.bin` (one shard). */
export async function writeTfjs(model: NeutralModel, dir: string): Promise<void> {
  const layers = weightsOf(model, dir);
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new OutputError(dir, e);
  }
  const arrays = layers.flatMap((l) => l.arrays.map((a) => ({ name: `${l.name}/${a.name}`, a })));
  const data = new Uint8Array(arrays.reduce((n, { a }) => n + a.values.byteLength, 0));
  arrays.reduce((at, { a }) => (data.set(new Uint8Array(a.values.buffer, a.values.byteOffset, a.values.byteLength), at), at + a.values.byteLength), 0);
  const json = {
    format: 'layers-model', generatedBy: 'Trainscope', convertedBy: null,
    modelTopology: { class_name: 'Sequential', config: { name: 'sequential', layers: keras2Layers(model, true) }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
    weightsManifest: model.weights ? [{ paths: ['weights.bin'], weights: arrays.map(({ name, a }) => ({ name, shape: a.shape, dtype: 'float32' })) }] : [],
  };
  await save(join(dir, 'model.json'), JSON.stringify(json));
  if (model.weights) await save(join(dir, 'weights.bin'), data);
}

// ---------------------------------------------------------------- helpers

/** Layers with their names filled in (type_index, as the spec names them). */
function named(layers: LayerSpec[]): LayerSpec[] {
  return layers.map((l, i) => ({ ...l, name: l.name ?? `${l.type}_${i + 1}` }) as LayerSpec);
}
