// Where a collection's reductions run. Off the training thread when a worker can be started
// (the probe pass and every statistic run there on a copy of the model, so collecting every
// step costs the training loop little more than reading the numbers back); on the training
// thread otherwise. Both produce the same payloads from the same functions.
import * as tf from '@tensorflow/tfjs';
import { Worker } from 'node:worker_threads';
import { ProbePass } from './activations/collector.ts';
import { type CollectionContext, type CollectionInput, type CollectionOutput, reduceCollection } from './collection.ts';

export interface Reducer {
  readonly mode: 'worker' | 'inline';
  /** Inline reducers read the live model, so the caller must not update it until this resolves. */
  readonly readsLiveModel: boolean;
  submit(input: CollectionInput): Promise<CollectionOutput>;
  close(): Promise<void>;
}

function missingBefore(): never {
  throw new Error('a collection without its before-update weights must follow a collection of the previous step');
}

export class InlineReducer implements Reducer {
  readonly mode = 'inline';
  readonly readsLiveModel = true;
  private previous: Float32Array | null = null;
  private readonly probe: ProbePass;

  constructor(model: tf.LayersModel, private readonly ctx: CollectionContext, probe: tf.Tensor) {
    this.probe = new ProbePass(model, ctx.layers.map((l) => l.name), probe);
  }

  async submit(input: CollectionInput): Promise<CollectionOutput> {
    const before = input.before ?? this.previous ?? missingBefore();
    const acts = await this.probe.run();
    this.previous = input.weights;
    return reduceCollection(this.ctx, input, before, acts, this.probe.batch);
  }

  async close() {
    this.probe.dispose();
  }
}

export interface WorkerInit {
  topology: object;
  ctx: CollectionContext;
  probe: Float32Array;
  probeShape: number[];
  backend: string;
}

type Reply = { id: number; ok: true; out: CollectionOutput } | { id: number; ok: false; error: string } | { ready: true; backend: string };

export class WorkerReducer implements Reducer {
  readonly mode = 'worker';
  readonly readsLiveModel = false;
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (o: CollectionOutput) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure: Error | null = null;
  readonly ready: Promise<string>;

  constructor(init: WorkerInit) {
    const entry = new URL(`./stats-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;
    this.worker = new Worker(new URL('./stats-worker-boot.mjs', import.meta.url), { workerData: { ...init, entry } });
    let markReady: (b: string) => void;
    let markFailed: (e: Error) => void;
    this.ready = new Promise((res, rej) => { markReady = res; markFailed = rej; });
    this.worker.on('message', (m: Reply) => {
      if ('ready' in m) { markReady(m.backend); return; }
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.out); else p.reject(new Error(m.error));
    });
    const fail = (e: Error) => {
      this.failure = e;
      markFailed(e);
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => { if (code !== 0 || this.pending.size) fail(new Error(`the statistics worker exited (code ${code})`)); });
  }

  get inFlight() { return this.pending.size; }

  submit(input: CollectionInput): Promise<CollectionOutput> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const transfer = [input.grads.buffer, input.weights.buffer, ...(input.before ? [input.before.buffer] : [])] as ArrayBuffer[];
      this.worker.postMessage({ id, input }, transfer);
    });
  }

  async close() {
    await this.worker.terminate();
  }
}

/** A worker reducer when one starts, else the inline one; `why` says why the worker is not used. */
export async function createReducer(
  model: tf.LayersModel, ctx: CollectionContext, probe: tf.Tensor, preferWorker: boolean,
): Promise<{ reducer: Reducer; why?: string }> {
  if (preferWorker) {
    let w: WorkerReducer | null = null;
    try {
      w = new WorkerReducer({
        topology: model.toJSON(null, false) as object, ctx,
        probe: (await probe.data()) as Float32Array, probeShape: probe.shape, backend: tf.getBackend(),
      });
      await w.ready;
      probe.dispose();
      return { reducer: w };
    } catch (e) {
      await w?.close().catch(() => undefined);
      return { reducer: new InlineReducer(model, ctx, probe), why: `statistics computed on the training thread: ${(e as Error).message}` };
    }
  }
  return { reducer: new InlineReducer(model, ctx, probe) };
}
