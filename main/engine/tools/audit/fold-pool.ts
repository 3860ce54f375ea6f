// Where the audit's folds train: in the tool's own thread one after another, or, when the machine
// has cores to spare and the backend is single-threaded (wasm, cpu), on worker threads, several
// folds at once. Native backends already use every core for one fold, and their addons may not
// load twice in one process: they stay in the tool's thread.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { trainFold, type FoldJob, type FoldResult } from './fold.ts';

export interface FoldPoolOptions {
  /** threads to train on; 1 trains in this thread */
  workers: number;
  onEpoch?: (fold: number, epoch: number) => void;
  /** a fold's result, as soon as it is in (in the order they finish) */
  onFold?: (fold: number, result: FoldResult) => void;
  signal?: AbortSignal;
}

/** One fold worker per core but one (the tool's thread coordinates, the host needs some CPU), at least one. */
export const defaultFoldWorkers = () => Math.max(1, availableParallelism() - 1);

/** The JavaScript and wasm backends gain from folds side by side (each fold's wasm on one thread); the native ones train in this thread. */
export const poolable = (backend: string) => backend === 'wasm' || backend === 'cpu';

/** Trains every job; results by fold. A fold that throws rejects the whole (the other threads are ended). */
export async function runFolds(jobs: FoldJob[], opts: FoldPoolOptions): Promise<FoldResult[]> {
  const results: FoldResult[] = [];
  const n = Math.min(opts.workers, jobs.length);
  if (n <= 1) {
    for (const job of jobs) {
      const r = await trainFold(job, { signal: opts.signal, onEpoch: (e) => opts.onEpoch?.(job.fold, e) });
      results[job.fold] = r;
      opts.onFold?.(job.fold, r);
      if (opts.signal?.aborted) break;
    }
    return results;
  }
  const entry = new URL(`./fold-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;
  const queue = [...jobs];
  const workers: Worker[] = [];
  let cleanup = () => {};
  try {
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      const stopAll = () => { for (const w of workers) w.postMessage({ stop: true }); };
      opts.signal?.addEventListener('abort', stopAll, { once: true });
      cleanup = () => opts.signal?.removeEventListener('abort', stopAll);
      const next = (w: Worker) => {
        const job = queue.shift();
        if (!job || opts.signal?.aborted) { if (--running === 0) resolve(); return; }
        w.postMessage({ job });
      };
      for (let k = 0; k < n; k++) {
        // (one wasm thread per fold: folds side by side use the cores better than one fold's thread pool, which also spins between kernels)
        const w = new Worker(new URL('./fold-worker-boot.mjs', import.meta.url), { workerData: { entry }, env: { ...process.env, TRAINSCOPE_WASM_THREADS: '1' } });
        workers.push(w);
        running++;
        w.on('message', (m: { fold: number; epoch?: number; result?: FoldResult; error?: string }) => {
          if (m.error !== undefined) { reject(new Error(`fold ${m.fold + 1}: ${m.error}`)); return; }
          if (m.result) { results[m.fold] = m.result; opts.onFold?.(m.fold, m.result); next(w); return; }
          if (m.epoch !== undefined) opts.onEpoch?.(m.fold, m.epoch);
        });
        w.on('error', reject);
        w.on('exit', (code) => { if (code !== 0) reject(new Error(`a fold worker exited (code ${code})`)); });
        next(w);
      }
    });
  } finally {
    cleanup();
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
