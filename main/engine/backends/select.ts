// Chooses the TensorFlow.js backend: native GPU, native CPU, wasm, then pure-JS cpu, recording
// why each better one was not used. Native bindings are probed in a child process first,
// because a CUDA fault or SIGILL inside the binding kills the process and cannot be caught.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import type { BackendAttempt, BackendInfo, BackendName, WasmFeatures } from '../../../shared/events.ts';
import { InputError } from '../errors.ts';
import { registerWasmGradientKernels } from './wasm-kernels.ts';
import { installWasmFastPaths } from './wasm-fast-paths.ts';
import { useThreadedWasm, wantedWasmThreads, wasmThreading } from './wasm-threads.ts';
import { hostProbes, NATIVE_PACKAGES, probeProgram, probeVerdict, resolvePackage, type NativeProbes } from './native.ts';

export const BACKEND_ORDER: BackendName[] = ['node-gpu', 'node', 'wasm', 'cpu'];
export type BackendChoice = BackendName | 'auto';

// (the native packages and the probe's verdict live in native.ts, which loads no TensorFlow.js)
export { NATIVE_PACKAGES, probeProgram, probeVerdict, resolvePackage, useHostProbes, type NativeProbes } from './native.ts';

const require = createRequire(import.meta.url);

/**
 * Loads a native binding in a throwaway process and runs one op; returns the failure, if any.
 * `pkg` is the package to load (the backend's own unless a test says otherwise).
 */
export function probeNative(name: 'node-gpu' | 'node', pkg: string = NATIVE_PACKAGES[name]): string | null {
  const path = resolvePackage(pkg);
  if (!path) return 'not installed';
  const r = spawnSync(process.execPath, ['-e', probeProgram(path, name)], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', TF_CPP_MIN_LOG_LEVEL: '2' },
    encoding: 'utf8', timeout: 60_000,
  });
  return probeVerdict(r.status, r.signal, `${r.stderr}`);
}

/**
 * Emscripten's glue adds process handlers that rethrow every uncaught error and unhandled
 * rejection from inside its one minified line, so Node prints ~50 KB of glue source above the
 * real error (in the terminal and in engine.log). Node's own defaults already end the process
 * the same way, so the glue's handlers are removed once the module has started.
 */
async function withoutGlueHandlers<T>(start: () => Promise<T>): Promise<T> {
  const events = ['uncaughtException', 'unhandledRejection'];
  const listeners = (e: string) => process.listeners(e as 'uncaughtException') as ((...a: unknown[]) => void)[];
  const before = new Map(events.map((e) => [e, new Set(listeners(e))]));
  try {
    return await start();
  } finally {
    for (const e of events) {
      for (const l of listeners(e)) if (!before.get(e)!.has(l)) process.removeListener(e, l);
    }
  }
}

async function tryBackend(name: BackendName, probes: NativeProbes = hostProbes): Promise<{ ok: boolean; reason?: string; tfBackend?: string }> {
  try {
    if (name === 'node-gpu' || name === 'node') {
      const why = name in probes ? probes[name]! : probeNative(name);
      if (why) return { ok: false, reason: why };
      require(resolvePackage(NATIVE_PACKAGES[name]) ?? NATIVE_PACKAGES[name]); // registers the 'tensorflow' backend
      const ok = await tf.setBackend('tensorflow');
      return ok ? { ok, tfBackend: 'tensorflow' } : { ok, reason: 'the tensorflow backend failed to initialise' };
    }
    if (name === 'wasm') {
      await import('@tensorflow/tfjs-backend-wasm');
      if (process.env.TRAINSCOPE_STOCK_WASM !== '1') useThreadedWasm(wantedWasmThreads());
      const ok = await withoutGlueHandlers(() => tf.setBackend('wasm'));
      if (!ok) return { ok, reason: 'the wasm backend failed to initialise' };
      registerWasmGradientKernels();
      installWasmFastPaths();
      return { ok, tfBackend: 'wasm' };
    }
    const ok = await tf.setBackend('cpu');
    // The cpu backend prints a banner about tfjs-node on first use; the run record and
    // `trainscope doctor` already say which backend runs and why the faster ones did not.
    if (ok) (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
    return ok ? { ok, tfBackend: 'cpu' } : { ok, reason: 'the cpu backend failed to initialise' };
  } catch (e) {
    return { ok: false, reason: (e as Error).message.split('\n')[0].slice(0, 300) };
  }
}

/**
 * Selects and activates a backend. With an explicit choice, failing to load it is an error.
 * `probes`: the native backends as the host already probed them (else they are probed here).
 */
export function selectBackend(choice: BackendChoice = 'auto', probes?: NativeProbes): Promise<BackendInfo> {
  // One selection at a time: tfjs' backend is process-wide, and a second setBackend('wasm') while
  // the first was still initialising failed ("the wasm backend failed to initialise": two
  // trainers started at once in a fresh process). Queued, the second finds it ready.
  const run = selecting.then(() => selectNow(choice, probes));
  selecting = run.catch(() => undefined);
  return run;
}
let selecting: Promise<unknown> = Promise.resolve();

async function selectNow(choice: BackendChoice, probes?: NativeProbes): Promise<BackendInfo> {
  const attempts: BackendAttempt[] = [];
  const candidates = choice === 'auto' ? BACKEND_ORDER : [choice];
  if (choice !== 'auto' && !BACKEND_ORDER.includes(choice)) {
    throw new InputError('--backend', `unknown backend "${choice}" (choose auto, ${BACKEND_ORDER.join(', ')})`);
  }
  for (const name of candidates) {
    const r = await tryBackend(name, probes);
    attempts.push({ name, ok: r.ok, reason: r.reason });
    if (r.ok) {
      await tf.ready();
      const info: BackendInfo = { name, tfBackend: r.tfBackend!, attempts };
      if (name === 'wasm') info.wasm = wasmFeatures();
      return info;
    }
  }
  throw new InputError('--backend', `no backend could be loaded: ${attempts.map((a) => `${a.name}: ${a.reason}`).join('; ')}`);
}

/** SIMD, and how many threads run XNNPACK's kernels (with why not more, when one thread was wanted to be several). */
export function wasmFeatures(): WasmFeatures {
  return {
    simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
    threads: wasmThreading.threads > 1,
    threadCount: wasmThreading.threads,
    ...(wasmThreading.reason ? { threadsReason: wasmThreading.reason } : {}),
  };
}

/** Every backend, whether it loads here (native ones only in a child process, for `doctor`). */
export async function diagnoseBackends(probes: NativeProbes = hostProbes): Promise<{ attempts: BackendAttempt[]; wasm?: WasmFeatures }> {
  const attempts: BackendAttempt[] = [];
  let wasm: WasmFeatures | undefined;
  for (const name of BACKEND_ORDER) {
    if (name === 'node-gpu' || name === 'node') {
      const why = name in probes ? probes[name]! : probeNative(name);
      attempts.push({ name, ok: !why, reason: why ?? undefined });
      continue;
    }
    const r = await tryBackend(name);
    attempts.push({ name, ok: r.ok, reason: r.reason });
    if (name === 'wasm' && r.ok) wasm = wasmFeatures();
  }
  return { attempts, wasm };
}
