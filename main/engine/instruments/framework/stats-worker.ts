// The statistics worker: a copy of the model, brought up to date from the weights of each
// collection, runs the probe pass; then the active instruments' reductions. Off the training
// thread, so the loop only pays for reading the numbers back. Messages are handled strictly in order.
// A worker serves one run after another (reducer.ts parks it between runs): `init` sets up a run.
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { ProbePass } from './probe.ts';
import { CollectionReductions, type CollectionInput, type WorkerInit } from './reducer.ts';
import { readsOf } from './reduce.ts';
import { ENGINE_INSTRUMENTS } from '../registry.ts';

/** The backend, chosen at the first run's set-up: a parked worker is only reused for the same family (reducer.ts). */
let backend: string | null = null;

async function chooseBackend(requested: string): Promise<string> {
  // Same backend family as the trainer where possible; wasm (fast, always installable) otherwise.
  if (requested === 'wasm' || requested === 'tensorflow') {
    try {
      await import('@tensorflow/tfjs-backend-wasm');
      if (await tf.setBackend('wasm')) return 'wasm';
    } catch { /* fall through to cpu */ }
  }
  await tf.setBackend('cpu');
  (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  return 'cpu';
}

type RunState = { model: tf.LayersModel; probe: ProbePass | null; reductions: CollectionReductions };

async function setUp(init: WorkerInit): Promise<RunState> {
  backend ??= await chooseBackend(init.backend);
  const instruments = ENGINE_INSTRUMENTS.filter((i) => init.instruments.includes(i.definition.id));
  const model = await tf.models.modelFromJSON({ modelTopology: init.topology } as tf.io.ModelArtifacts as never);
  const probe = readsOf(instruments).probe ? new ProbePass(model, init.ctx.layers.map((l) => l.name), tf.tensor(init.probe, init.probeShape)) : null;
  return { model, probe, reductions: new CollectionReductions(instruments, init.ctx) };
}

/** Drops a finished run's model and probe (their tensors live in this worker's tfjs engine). */
function tearDown(s: RunState | null) {
  if (!s) return;
  s.probe?.dispose();
  s.model.dispose();
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

type Message = { init: WorkerInit } | { reset: true } | { id: number; input: CollectionInput };

const port = parentPort!;
let state: RunState | null = null;
let queue = Promise.resolve();
// (one run after another: each starts with `init` and ends with `reset`, in order with its collections)
port.on('message', (m: Message) => {
  queue = queue.then(async () => {
    if ('init' in m) {
      try {
        const previous = state;
        state = null;
        tearDown(previous);
        state = await setUp(m.init);
        port.postMessage({ ready: true, backend });
      } catch (e) {
        port.postMessage({ ready: false, error: (e as Error).message });
      }
      return;
    }
    if ('reset' in m) {
      const s = state;
      state = null;
      try {
        tearDown(s);
      } catch {
        // (the next run's init sets up anew; a model that would not dispose only costs memory)
      }
      return;
    }
    try {
      if (!state) throw new Error('no run is set up in the statistics worker');
      const probe = state.probe;
      if (probe && m.input.weights) setWeights(state.model, m.input.weights);
      const out = await state.reductions.reduce(m.input, probe ? () => probe.run() : null);
      port.postMessage({ id: m.id, ok: true, out });
    } catch (e) {
      port.postMessage({ id: m.id, ok: false, error: (e as Error).message });
    }
  });
});
