// Models on disk in TensorFlow.js format (model.json + weights.bin), without tfjs-node's
// file:// handler so it works on every backend. Weights are written to a temporary name and
// renamed: a crash mid-write leaves the previous checkpoint intact.
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.ts';

function atomicWrite(file: string, data: string | Uint8Array) {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save(tf.io.withSaveHandler(async (a) => {
    const weights = a.weightData instanceof ArrayBuffer ? a.weightData : tf.io.concatenateArrayBuffers(a.weightData as ArrayBuffer[]);
    atomicWrite(join(dir, 'weights.bin'), new Uint8Array(weights));
    atomicWrite(join(dir, 'model.json'), JSON.stringify({
      format: 'layers-model',
      generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
      convertedBy: 'Trainscope',
      modelTopology: a.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
    }));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
  }));
}

export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const jsonFile = join(dir, 'model.json');
  let json: { modelTopology: object; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  try {
    json = JSON.parse(readFileSync(jsonFile, 'utf8'));
  } catch (e) {
    throw new InputError(jsonFile, `not a readable model (${(e as Error).message})`);
  }
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const buffers = json.weightsManifest.flatMap((g) => g.paths.map((p) => {
    const b = readFileSync(join(dir, p));
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }));
  return tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology, weightSpecs: specs, weightData: tf.io.concatenateArrayBuffers(buffers),
  }));
}
