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

type Reply = { id: number; ok: true; out: Reduced } | { id: number; ok: false; error: string } | { ready: true; backend: string } | { ready: false; error: string };

/**
 * One statistics worker kept between the runs of this process. A sweep's engine trains trial after
 * trial, and the app's engine run after run; starting a worker (its module graph, tfjs, wasm) took
 * ~1.3 s of a small trial's ~2.5 s (measured), once per run. A finished run's worker is parked here,
 * its model dropped, unref'd so it never keeps the process alive; the next run on the same backend
 * family sets it up again instead of starting another.
 */
let parked: { worker: Worker; backend: string } | null = null;

/** Workers started by this process (tests check that runs reuse them). */
export const statsWorkerStarts = { count: 0 };

/** The parked worker, if any (for tests). */
export function parkedStatsWorker(): Worker | null {
  return parked?.worker ?? null;
}

function takeWorker(backend: string): Worker {
  if (parked && parked.backend === backend) {
    const { worker } = parked;
    parked = null;
    worker.removeAllListeners('exit');
    worker.removeAllListeners('error');
    worker.ref();
    return worker;
  }
  const entry = new URL(`./stats-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;
  statsWorkerStarts.count++;
  return new Worker(new URL('./stats-worker-boot.mjs', import.meta.url), { workerData: { entry } });
}

function park(worker: Worker, backend: string) {
  const previous = parked;
  parked = { worker, backend };
  worker.unref();
  worker.once('exit', () => { if (parked?.worker === worker) parked = null; });
  // (a parked worker that fails is dropped: with no 'error' listener, Node would rethrow it here)
  worker.on('error', () => {
    if (parked?.worker === worker) parked = null;
    void worker.terminate();
  });
  if (previous) void previous.worker.terminate(); // (one is kept: runs of one engine follow each other)
}

export class WorkerReducer implements Reducer {
  readonly readsLiveModel = false;
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (o: Reduced) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure: Error | null = null;
  private closed = false;
  readonly ready: Promise<string>;
  private readonly onMessage: (m: Reply) => void;
  private readonly onError: (e: Error) => void;
  private readonly onExit: (code: number) => void;

  constructor(private readonly init: WorkerInit) {
    this.worker = takeWorker(init.backend);
    let markReady: (b: string) => void;
    let markFailed: (e: Error) => void;
    this.ready = new Promise((res, rej) => { markReady = res; markFailed = rej; });
    const fail = (e: Error) => {
      this.failure = e;
      markFailed(e);
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.onMessage = (m: Reply) => {
      if ('ready' in m) {
        if (m.ready) markReady(m.backend); else fail(new Error(m.error));
        return;
      }
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.out); else p.reject(new Error(m.error));
    };
    this.onError = fail;
    this.onExit = (code) => { if (!this.closed || code !== 0 || this.pending.size) fail(new Error(`the statistics worker exited (code ${code})`)); };
    this.worker.on('message', this.onMessage);
    this.worker.on('error', this.onError);
    this.worker.on('exit', this.onExit);
    this.worker.postMessage({ init });
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

  /** Parks a healthy, idle worker for the next run; ends one that failed or still has work. */
  async close() {
    this.closed = true;
    this.worker.off('message', this.onMessage);
    this.worker.off('error', this.onError);
    this.worker.off('exit', this.onExit);
    if (this.failure || this.pending.size) {
      await this.worker.terminate();
      return;
    }
    this.worker.postMessage({ reset: true }); // (drops this run's model and probe)
    park(this.worker, this.init.backend);
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
