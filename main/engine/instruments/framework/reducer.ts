// Where a collection's reductions run. Off the training thread when a worker can be started
// (the probe pass and every reduction run there on a copy of the model, so collecting every
// step costs the training loop little more than reading the numbers back); on the training
// thread otherwise. Both pair each collection with its before-update weights the same way and
// call the same reduceAll.
import * as tf from '@tensorflow/tfjs';
import { Worker } from 'node:worker_threads';
import { ProbePass } from './probe.ts';
import type { CollectionInput, EngineInstrument, ProbeOutputs, ReduceContext, ReduceInput } from './instrument.ts';

export type { CollectionInput };
import { type Reduced, readsOf, reduceAll } from './reduce.ts';

export interface Reducer {
  /** Inline reducers read the live model, so the caller must not update it until this resolves. */
  readonly readsLiveModel: boolean;
  submit(input: CollectionInput): Promise<Reduced>;
  close(): Promise<void>;
}

/**
 * The reductions of a sequence of collections: pairs each with its before-update weights (the
 * previous collection's after-update weights when it was the step before) and runs the probe.
 */
export class CollectionReductions {
  private previous: Float32Array | null = null;
  private readonly needsBefore: boolean;

  constructor(private readonly instruments: readonly EngineInstrument[], private readonly ctx: ReduceContext) {
    this.needsBefore = readsOf(instruments).before;
  }

  async reduce(input: CollectionInput, probe: (() => Promise<ProbeOutputs>) | null): Promise<Reduced> {
    try {
      const before = this.needsBefore ? input.before ?? this.previous : null;
      if (this.needsBefore && !before) throw new Error('a collection without its before-update weights must follow a collection of the previous step');
      const full: ReduceInput = { ...input, before, probe: probe ? await probe() : null };
      this.previous = input.weights;
      return reduceAll(this.instruments, this.ctx, full);
    } catch (e) {
      this.previous = null; // later collections must not pair with stale weights
      throw e;
    }
  }
}

export class InlineReducer implements Reducer {
  readonly readsLiveModel = true;
  private readonly probe: ProbePass | null;
  private readonly reductions: CollectionReductions;

  constructor(model: tf.LayersModel, ctx: ReduceContext, probe: tf.Tensor, instruments: readonly EngineInstrument[]) {
    this.probe = readsOf(instruments).probe ? new ProbePass(model, ctx.layers.map((l) => l.name), probe) : null;
    if (!this.probe) probe.dispose();
    this.reductions = new CollectionReductions(instruments, ctx);
  }

  submit(input: CollectionInput): Promise<Reduced> {
    const probe = this.probe;
    return this.reductions.reduce(input, probe ? () => probe.run() : null);
  }

  async close() {
    this.probe?.dispose();
  }
}

export interface WorkerInit {
  topology: object;
  ctx: ReduceContext;
  /** ids of the active instruments (the worker takes them from the engine registry) */
  instruments: string[];
  probe: Float32Array;
  probeShape: number[];
  backend: string;
}

type Reply = { id: number; ok: true; out: Reduced } | { id: number; ok: false; error: string } | { ready: true; backend: string };

export class WorkerReducer implements Reducer {
  readonly readsLiveModel = false;
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (o: Reduced) => void; reject: (e: Error) => void }>();
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

  submit(input: CollectionInput): Promise<Reduced> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const transfer = [input.grads, input.weights, input.before].filter((a) => a !== null).map((a) => a.buffer as ArrayBuffer);
      this.worker.postMessage({ id, input }, transfer);
    });
  }

  async close() {
    await this.worker.terminate();
  }
}

/** A worker reducer when one starts, else the inline one; `why` says why the worker is not used. */
export async function createReducer(
  model: tf.LayersModel, ctx: ReduceContext, probe: tf.Tensor, instruments: readonly EngineInstrument[], preferWorker: boolean,
): Promise<{ reducer: Reducer; why?: string }> {
  if (preferWorker) {
    let w: WorkerReducer | null = null;
    try {
      w = new WorkerReducer({
        topology: model.toJSON(null, false) as object, ctx, instruments: instruments.map((i) => i.definition.id),
        probe: (await probe.data()) as Float32Array, probeShape: probe.shape, backend: tf.getBackend(),
      });
      await w.ready;
      probe.dispose();
      return { reducer: w };
    } catch (e) {
      await w?.close().catch(() => undefined);
      return { reducer: new InlineReducer(model, ctx, probe, instruments), why: `statistics computed on the training thread: ${(e as Error).message}` };
    }
  }
  return { reducer: new InlineReducer(model, ctx, probe, instruments) };
}
