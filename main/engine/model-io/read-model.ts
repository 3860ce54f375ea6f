// Reads a model file into the neutral form, whatever the file's name says: the content decides
// (ZIP -> Keras 3 .keras; HDF5 -> legacy Keras .h5; JSON -> tfjs model.json). Every problem is one
// InputError line naming the file.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { hdf5Truncation, isHdf5, withH5Bytes, withH5File, type H5Reader } from './hdf5.ts';
import { parseModelConfig, weightSpecs, type ParsedModel } from './keras-config.ts';
import type { ImportedModel, ModelWeights, WeightArray } from './types.ts';
import { isZip, readZip, ZipError } from './zip.ts';

/** Reads a .keras, .h5 or tfjs model.json file (a model.json's weight files next to it). */
export async function readModel(file: string): Promise<ImportedModel> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    throw new InputError(file, `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  // an .h5 on disk is opened where it is (h5wasm reads files; bytes would go through a temporary copy)
  if (isHdf5(bytes)) return readH5(file, bytes, file);
  return readModelBytes(file, bytes, async (path) => {
    // A weight file is a name beside model.json, as tensorflowjs_converter writes it: a manifest
    // must not make the reader load any other file of this machine into the weights.
    if (!/^[\w.-]+$/.test(path) || path === '.' || path === '..') throw new InputError(file, `weight file "${path}" is not a file name beside model.json`);
    return new Uint8Array(await readFile(resolve(dirname(file), path)));
  });
}

/**
 * As readModel, for bytes held in memory (a file uploaded from a page). `shard` gives a tfjs
 * model.json's weight files by the path the manifest names; without it such weights are refused.
 */
export async function readModelBytes(name: string, bytes: Uint8Array, shard?: (path: string) => Promise<Uint8Array>): Promise<ImportedModel> {
  if (isZip(bytes)) return readKeras(name, bytes);
  if (isHdf5(bytes)) return readH5(name, bytes);
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
  if (head.startsWith('{')) return readTfjs(name, bytes, shard);
  throw new InputError(name, 'is not a model file Trainscope reads (a Keras .keras or .h5 file, or a TensorFlow.js model.json)');
}

// ---------------------------------------------------------------- helpers

function parseJson(file: string, text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(file, `${what} is not valid JSON (${(e as Error).message})`);
  }
}

/** Checks one layer's weights (in Keras order) against what the layer needs on its input. */
function fitWeights(file: string, m: ParsedModel, i: number, found: { shape: number[]; values: Float32Array | null; dtype?: string }[]): WeightArray[] {
  const l = m.layers[i];
  const where = `layer "${m.fileNames[i]}" (${m.classNames[i]})`;
  const need = weightSpecs(l, m.inputShapes[i]);
  if (found.length !== need.length) {
    throw new InputError(file, `${where}: the file has ${found.length} weight arrays, the layer needs ${need.length}${need.length ? ` (${need.map((n) => n.name).join(', ')})` : ''}`);
  }
  return need.map((n, k) => {
    const f = found[k];
    // (the shape first: an HDF5 dataset's values are read only once its shape is the layer's)
    if (f.shape.join() !== n.shape.join()) throw new InputError(file, `${where}: weight "${n.name}" has shape [${f.shape.join(', ')}], the layer needs [${n.shape.join(', ')}]`);
    const values = f.values;
    if (!values) throw new InputError(file, `${where}: weight "${n.name}" is ${f.dtype ?? 'not float32'}; only float32 weights are supported`);
    if (values.length !== n.shape.reduce((a, b) => a * b, 1)) throw new InputError(file, `${where}: weight "${n.name}" holds ${values.length} values for shape [${n.shape.join(', ')}]`);
    return { name: n.name, shape: n.shape, values };
  });
}

/** Weights by layer name from one weight list per layer (none for layers without weights). */
function collect(file: string, m: ParsedModel, get: (i: number) => { shape: number[]; values: Float32Array | null; dtype?: string }[]): ModelWeights {
  const w: ModelWeights = {};
  m.layers.forEach((l, i) => {
    const arrays = fitWeights(file, m, i, get(i));
    if (arrays.length) w[l.name as string] = arrays;
  });
  return w;
}

async function h5(file: string, bytes: Uint8Array, fn: (r: H5Reader) => ImportedModel, path?: string): Promise<ImportedModel> {
  try {
    const cut = hdf5Truncation(bytes);
    if (cut) throw new Error(cut);
    return await (path ? withH5File(path, fn) : withH5Bytes(bytes, fn));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(file, `is not a readable HDF5 file: ${String((e as Error).message ?? e).split('\n')[0]}`);
  }
}

// ---------------------------------------------------------------- .keras (Keras 3)

/** config.json and metadata.json are a few KB; more than this is not a Keras file (or a zip bomb). */
const MAX_JSON_ENTRY = 64 * 2 ** 20;

async function readKeras(file: string, bytes: Uint8Array): Promise<ImportedModel> {
  let entries: ReturnType<typeof readZip>;
  let read: (name: string, max?: number) => Uint8Array | null;
  try {
    entries = readZip(bytes);
    read = (name, max) => entries.get(name)?.read(max) ?? null;
  } catch (e) {
    if (e instanceof ZipError) throw new InputError(file, `is not a valid .keras file: ${e.message}`);
    throw e;
  }
  const text = (name: string) => {
    try {
      const b = read(name, MAX_JSON_ENTRY);
      return b && new TextDecoder().decode(b);
    } catch (e) {
      if (e instanceof ZipError) throw new InputError(file, `is not a valid .keras file: ${e.message}`);
      throw e;
    }
  };
  const config = text('config.json');
  if (config === null) throw new InputError(file, 'is a ZIP archive without config.json: not a Keras .keras file');
  const meta = text('metadata.json');
  const version = meta ? (parseJson(file, meta, 'metadata.json') as { keras_version?: string }).keras_version : undefined;
  const m = parseModelConfig(file, parseJson(file, config, 'config.json'));
  const base: Omit<ImportedModel, 'weights'> = { file, format: 'keras', producer: version ? `keras ${version}` : null, inputShape: m.inputShape, layers: m.layers };
  // The weights file holds the weights the config implies, plus HDF5's own structure: more than
  // that is not a Keras file but a decompression bomb, refused before it fills the memory.
  const values = m.layers.reduce((a, l, i) => a + weightSpecs(l, m.inputShapes[i]).reduce((b, w) => b + w.shape.reduce((p, q) => p * q, 1), 0), 0);
  let weightsFile: Uint8Array | null;
  try {
    weightsFile = read('model.weights.h5', Math.ceil(values * 4 * 1.25) + 16 * 2 ** 20);
  } catch (e) {
    if (e instanceof ZipError) throw new InputError(file, `is not a valid .keras file: ${e.message}`);
    throw e;
  }
  if (!weightsFile) {
    if (entries.has('model.weights.npz')) throw new InputError(file, 'keeps its weights as model.weights.npz; only model.weights.h5 is supported');
    return { ...base, weights: null };
  }
  return h5(file, weightsFile, (r) => ({ ...base, weights: collect(file, m, (i) => kerasVars(file, r, m, i)) }));
}

/**
 * A layer's variables in a Keras 3 weights file: `layers/<class_snake>[_n]/vars/0, 1, ...` in the
 * layer's own order (Dense: kernel, bias; BatchNormalization: gamma, beta, moving_mean,
 * moving_variance). Keras 3.0.x wrote the same under `_layer_checkpoint_dependencies/`.
 */
function kerasVars(file: string, r: H5Reader, m: ParsedModel, i: number) {
  const p = m.weightPaths[i];
  const group = [`/layers/${p}/vars`, `/_layer_checkpoint_dependencies/${p}/vars`].find((g) => r.isGroup(g));
  if (!group) {
    // newer Keras creates a layer's group only when it has variables
    if (!weightSpecs(m.layers[i], m.inputShapes[i]).length) return [];
    throw new InputError(file, `layer "${m.fileNames[i]}" (${m.classNames[i]}): model.weights.h5 has no layers/${p}/vars`);
  }
  const n = r.keys(group).length;
  return Array.from({ length: n }, (_, k) => {
    const d = r.dataset(`${group}/${k}`);
    if (!d) throw new InputError(file, `layer "${m.fileNames[i]}" (${m.classNames[i]}): model.weights.h5 has no dataset ${group.slice(1)}/${k}`);
    return d;
  });
}

// ---------------------------------------------------------------- .h5 (legacy Keras)

function readH5(file: string, bytes: Uint8Array, path?: string): Promise<ImportedModel> {
  return h5(file, bytes, (r) => {
    const config = r.stringAttr('/', 'model_config');
    if (config === null) {
      const weightsOnly = r.isGroup('/layers') || r.isGroup('/vars') || r.stringsAttr('/', 'layer_names') !== null;
      throw new InputError(file, weightsOnly ? 'holds weights only; give the .keras file (or the .h5 written by model.save)' : 'is an HDF5 file without a Keras model_config: not a Keras model');
    }
    const m = parseModelConfig(file, parseJson(file, config, 'model_config'));
    const version = r.stringAttr('/', 'keras_version');
    const base: Omit<ImportedModel, 'weights'> = { file, format: 'h5', producer: version ? `keras ${version}` : null, inputShape: m.inputShape, layers: m.layers };
    if (!r.isGroup('/model_weights')) return { ...base, weights: null };
    // weight_names are paths below the layer's group: "dense/kernel:0" (Keras 2), "sequential/dense/kernel" (Keras 3)
    return {
      ...base,
      weights: collect(file, m, (i) => {
        const group = `/model_weights/${m.fileNames[i]}`;
        const names = r.isGroup(group) ? r.stringsAttr(group, 'weight_names') ?? [] : [];
        return names.map((n) => {
          const d = r.dataset(`${group}/${n}`);
          if (!d) throw new InputError(file, `layer "${m.fileNames[i]}" (${m.classNames[i]}): weight "${n}" is missing from model_weights`);
          return d;
        });
      }),
    };
  }, path);
}

// ---------------------------------------------------------------- model.json (tfjs layers)

interface Manifest { paths: string[]; weights: { name: string; shape: number[]; dtype?: string; quantization?: unknown }[] }

async function readTfjs(file: string, bytes: Uint8Array, shard?: (path: string) => Promise<Uint8Array>): Promise<ImportedModel> {
  const json = parseJson(file, new TextDecoder().decode(bytes), 'the file') as Record<string, unknown>;
  if (json.format === 'graph-model') throw new InputError(file, 'is a TensorFlow.js graph model; only layers models (tf.LayersModel) are supported');
  // a bare Keras architecture (model.to_json()): no weights
  if (typeof json.class_name === 'string') {
    const m = parseModelConfig(file, json);
    return { file, format: 'keras', producer: null, inputShape: m.inputShape, layers: m.layers, weights: null };
  }
  const topology = json.modelTopology as Record<string, unknown> | undefined;
  if (!topology) throw new InputError(file, 'is JSON but not a model: no modelTopology (TensorFlow.js) or class_name (Keras)');
  // the tfjs converter nests a Keras file's config under model_config
  const m = parseModelConfig(file, topology.model_config ?? topology);
  const producer = [json.generatedBy, json.convertedBy].filter((s) => typeof s === 'string').join(', ') || null;
  const base: Omit<ImportedModel, 'weights'> = { file, format: 'tfjs', producer, inputShape: m.inputShape, layers: m.layers };
  const manifest = json.weightsManifest as Manifest[] | undefined;
  if (!manifest?.length) return { ...base, weights: null };

  // the weights of a group are its shard files concatenated, in the manifest's order
  const byName = new Map<string, { shape: number[]; values: Float32Array | null; dtype?: string }>();
  for (const group of manifest) {
    for (const w of group.weights) {
      if (w.quantization) throw new InputError(file, `weight "${w.name}" is quantized; only float32 weights are supported`);
      if ((w.dtype ?? 'float32') !== 'float32') throw new InputError(file, `weight "${w.name}" is ${w.dtype}; only float32 weights are supported`);
    }
    if (!shard) throw new InputError(file, `its weights are in ${group.paths.join(', ')}: give those files too`);
    const parts: Uint8Array[] = [];
    for (const p of group.paths) {
      try {
        parts.push(await shard(p));
      } catch (e) {
        throw new InputError(file, `cannot read its weight file ${p} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
    }
    const all = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
    let at = 0;
    for (const w of group.weights) {
      const n = w.shape.reduce((a, b) => a * b, 1);
      if (at + n * 4 > all.length) throw new InputError(file, `its weight files hold ${all.length} bytes, fewer than the manifest's weights need (at "${w.name}")`);
      // copy: a Float32Array view needs 4-byte alignment, which a shard's offset may not have
      byName.set(w.name, { shape: w.shape, values: new Float32Array(all.slice(at, at + n * 4).buffer) });
      at += n * 4;
    }
  }
  // tfjs names weights "<layer>/<weight>" (converted Keras files may add a prefix and ":0"-less suffixes)
  const find = (layer: string, w: string) => byName.get(`${layer}/${w}`) ?? [...byName].find(([k]) => k.endsWith(`/${layer}/${w}`))?.[1];
  return {
    ...base,
    weights: collect(file, m, (i) => {
      const need = weightSpecs(m.layers[i], m.inputShapes[i]);
      const found = need.map((n) => find(m.fileNames[i], n.name));
      const missing = need.filter((_, k) => !found[k]);
      if (missing.length) throw new InputError(file, `layer "${m.fileNames[i]}" (${m.classNames[i]}): weight "${m.fileNames[i]}/${missing[0].name}" is not in the weights manifest`);
      return found as { shape: number[]; values: Float32Array }[];
    }),
  };
}

