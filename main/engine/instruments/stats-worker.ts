// The statistics worker: a copy of the model, brought up to date from the weights of each
// collection, runs the probe pass; then every reduction. Off the training thread, so the loop
// only pays for reading the numbers back. Messages are handled strictly in order.
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { ProbePass } from './activations/collector.ts';
import { type CollectionInput, reduceCollection } from './collection.ts';
import type { WorkerInit } from './reducer.ts';

const init = workerData as WorkerInit;

async function setUp() {
  // Same backend family as the trainer where possible; wasm (fast, always installable) otherwise.
  let backend = 'cpu';
  if (init.backend === 'wasm' || init.backend === 'tensorflow') {
    try {
      await import('@tensorflow/tfjs-backend-wasm');
      if (await tf.setBackend('wasm')) backend = 'wasm';
    } catch { /* fall through to cpu */ }
  }
  if (backend === 'cpu') {
    await tf.setBackend('cpu');
    (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  }
  const model = await tf.models.modelFromJSON({ modelTopology: init.topology } as tf.io.ModelArtifacts as never);
  const probe = new ProbePass(model, init.ctx.layers.map((l) => l.name), tf.tensor(init.probe, init.probeShape));
  return { model, probe, backend };
}

function setWeights(model: tf.LayersModel, flat: Float32Array) {
  let offset = 0;
  const values = model.weights.map((w) => {
    const size = w.shape.reduce<number>((a, b) => a * (b ?? 1), 1);
    const t = tf.tensor(flat.subarray(offset, offset + size), w.shape as number[]);
    offset += size;
    return t;
  });
  model.setWeights(values);
  tf.dispose(values);
}

const port = parentPort!;
const state = await setUp();
let previous: Float32Array | null = null;
let queue = Promise.resolve();
port.on('message', (m: { id: number; input: CollectionInput }) => {
  queue = queue.then(async () => {
    try {
      const before = m.input.before ?? previous;
      if (!before) throw new Error('a collection without its before-update weights must follow a collection of the previous step');
      setWeights(state.model, m.input.weights);
      const acts = await state.probe.run();
      const out = reduceCollection(init.ctx, m.input, before, acts, state.probe.batch);
      previous = m.input.weights;
      port.postMessage({ id: m.id, ok: true, out });
    } catch (e) {
      previous = null; // later collections must not pair with stale weights
      port.postMessage({ id: m.id, ok: false, error: (e as Error).message });
    }
  });
});
port.postMessage({ ready: true, backend: state.backend });
