// The statistics worker: a copy of the model, brought up to date from the weights of each
// collection, runs the probe pass; then the active instruments' reductions. Off the training
// thread, so the loop only pays for reading the numbers back. Messages are handled strictly in order.
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { ProbePass } from './probe.ts';
import { CollectionReductions, type CollectionInput, type WorkerInit } from './reducer.ts';
import { readsOf } from './reduce.ts';
import { ENGINE_INSTRUMENTS } from '../registry.ts';

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
  const instruments = ENGINE_INSTRUMENTS.filter((i) => init.instruments.includes(i.definition.id));
  const model = await tf.models.modelFromJSON({ modelTopology: init.topology } as tf.io.ModelArtifacts as never);
  const probe = readsOf(instruments).probe ? new ProbePass(model, init.ctx.layers.map((l) => l.name), tf.tensor(init.probe, init.probeShape)) : null;
  return { model, probe, backend, reductions: new CollectionReductions(instruments, init.ctx) };
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
let queue = Promise.resolve();
port.on('message', (m: { id: number; input: CollectionInput }) => {
  queue = queue.then(async () => {
    try {
      const probe = state.probe;
      if (probe && m.input.weights) setWeights(state.model, m.input.weights);
      const out = await state.reductions.reduce(m.input, probe ? () => probe.run() : null);
      port.postMessage({ id: m.id, ok: true, out });
    } catch (e) {
      port.postMessage({ id: m.id, ok: false, error: (e as Error).message });
    }
  });
});
port.postMessage({ ready: true, backend: state.backend });
