// The multi-threaded SIMD build of tfjs' wasm backend, under Node's worker_threads.
//
// tfjs 4.22 ships that build but never loads it in Node: its feature flag answers "no threads"
// whenever IS_NODE (tfjs issue 3830), and its loader hands Emscripten Blob URLs, which Node's
// Worker cannot start. The Emscripten glue itself supports Node (it sets `global.Worker` to
// worker_threads' Worker and reads scripts with fs), so this file starts it with real paths:
// the glue's own file as the script each thread evaluates, and the pthread worker script (which
// tfjs bundles as a string) written once to a file.
//
// The thread pool is created by a static constructor inside the module, sized from
// `emscripten_num_logical_cores() / 2` (tfjs assumes two hyperthreads per core), which in Node is
// `os.cpus().length`. `setThreadsCount` only takes effect when that pool is absent, so the pool
// size is set by answering that one question while the module starts.
//
// XNNPACK runs convolutions and matrix products on the pool (1.6-1.8x for a large convolution
// on two cores here); the scalar kernels stay on one thread.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

const require = createRequire(import.meta.url);

type EmscriptenModule = {
  cwrap: (name: string, ret: string | null, args: string[]) => (...a: number[]) => number;
  PThread?: { runningWorkers: { unref(): void }[] };
  tfjs?: unknown;
  wasmMemory?: WebAssembly.Memory;
};
type Factory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;

/** What the last threaded start did: the thread count, or why it fell back to one thread. */
export const wasmThreading: { threads: number; reason?: string } = { threads: 1 };

/**
 * The threads to use: TRAINSCOPE_WASM_THREADS, else one per core the OS gives this process but
 * one (at most 4, as tfjs does). The core left over runs the statistics worker and the host: on
 * two cores, a second pool thread made the instrumented step 13-15% slower for the MLP and the
 * CNN of `npm run bench` (it also spins between kernels), while a heavier CNN alone gained 1.3x.
 */
export function wantedWasmThreads(): number {
  const env = process.env.TRAINSCOPE_WASM_THREADS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (Number.isInteger(n) && n >= 1 && n <= 64) return n;
  }
  return Math.max(1, Math.min(usableCores() - 1, 4));
}

const usableCores = () => (typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);

/** Writes tfjs' pthread worker script to a file named by its content (safe to share between processes). */
function workerScriptFile(contents: string): string {
  // tfjs escapes newlines before making its Blob: the string holds "\n" inside JS string literals.
  const script = contents.replace(/\n/g, '\\n');
  const name = `trainscope-tfjs-wasm-pthread-${createHash('sha256').update(script).digest('hex').slice(0, 16)}.js`;
  const file = join(os.tmpdir(), name);
  if (!fs.existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, script);
    fs.renameSync(tmp, file);
  }
  return file;
}

async function startThreadedModule(threads: number): Promise<EmscriptenModule> {
  const pkgDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const glue = join(pkgDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  const factory = require(glue) as Factory;
  const { wasmWorkerContents } = require(join(pkgDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  const worker = workerScriptFile(wasmWorkerContents);
  // (see the top of this file: the pool is sized from os.cpus().length / 2 while the module
  // starts; the glue asks the CommonJS `os`, whose properties can be set, unlike this file's import)
  const osModule = require('node:os') as { cpus: typeof os.cpus };
  const realCpus = osModule.cpus;
  const cpu = realCpus()[0];
  osModule.cpus = () => Array.from({ length: threads * 2 }, () => cpu);
  let module: EmscriptenModule;
  // The shared heap, made here as the glue would make it (16 MB to start, growable to 4 GB), so
  // that it can be handed to our own SIMD kernels (simd/): this build imports its memory and
  // keeps it out of reach otherwise.
  const wasmMemory = new WebAssembly.Memory({ initial: 16777216 / 65536, maximum: 4294967296 / 65536, shared: true });
  try {
    module = await factory({
      locateFile: (path: string) => (path.endsWith('.worker.js') ? worker : join(pkgDir, 'dist', path)),
      mainScriptUrlOrBlob: glue,
      wasmMemory,
    });
  } finally {
    osModule.cpus = realCpus;
  }
  module.wasmMemory = wasmMemory;
  // the same bridge tfjs' own loader adds
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  return module;
}

type Registry = Record<string, { factory: () => tf.KernelBackend | Promise<tf.KernelBackend>; priority: number } | undefined>;

/**
 * Makes the 'wasm' backend start the threaded build with `threads` threads, falling back to
 * tfjs' own single-threaded loader if it cannot. Call after importing tfjs-backend-wasm and
 * before `tf.setBackend('wasm')`.
 */
let installed = false;

export function useThreadedWasm(threads: number) {
  if (installed) return; // (removing the backend again would dispose a live one)
  installed = true;
  wasmThreading.threads = 1;
  wasmThreading.reason = undefined;
  if (threads <= 1) {
    wasmThreading.reason = process.env.TRAINSCOPE_WASM_THREADS ? 'TRAINSCOPE_WASM_THREADS=1' : `${usableCores()} core(s): one is kept for the statistics worker and the host`;
    return;
  }
  if (typeof SharedArrayBuffer === 'undefined') { wasmThreading.reason = 'no SharedArrayBuffer'; return; }
  const registry = (tf.engine() as unknown as { registryFactory: Registry }).registryFactory;
  const stock = registry.wasm;
  if (!stock) return;
  const wasmPkg = require('@tensorflow/tfjs-backend-wasm') as {
    BackendWasm: new (module: unknown) => tf.KernelBackend; setThreadsCount(n: number): void; getThreadsCount(): number;
  };
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', async () => {
    try {
      const module = await startThreadedModule(threads);
      wasmPkg.setThreadsCount(threads);
      const backend = new wasmPkg.BackendWasm(module);
      // Pool threads wait in wasm for work for ever; they must not keep the process alive.
      for (const w of module.PThread?.runningWorkers ?? []) w.unref();
      wasmThreading.threads = wasmPkg.getThreadsCount();
      // (tfjs' own loader evaluates these flags; the threaded build runs only where both hold)
      tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
      if (wasmThreading.threads < threads) wasmThreading.reason = `the pool started ${wasmThreading.threads} of ${threads} threads`;
      return backend;
    } catch (e) {
      wasmThreading.reason = `threaded build failed: ${(e as Error)?.message ?? String(e)}`.split('\n')[0].slice(0, 300);
      return stock.factory();
    }
  }, stock.priority);
}
