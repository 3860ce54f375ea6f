// Chooses the TensorFlow.js backend: native GPU, native CPU, wasm, then pure-JS cpu, recording
// why each better one was not used. Native bindings are probed in a child process first,
// because a CUDA fault or SIGILL inside the binding kills the process and cannot be caught.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import type { BackendAttempt, BackendInfo, BackendName } from '../../../shared/events.ts';
import { InputError } from '../errors.ts';
import { registerWasmGradientKernels } from './wasm-kernels.ts';

export const BACKEND_ORDER: BackendName[] = ['node-gpu', 'node', 'wasm', 'cpu'];
export type BackendChoice = BackendName | 'auto';

export const NATIVE_PACKAGES: Record<'node-gpu' | 'node', string> = {
  'node-gpu': '@tensorflow/tfjs-node-gpu',
  node: '@tensorflow/tfjs-node',
};

const require = createRequire(import.meta.url);

/**
 * Where a package is installed, resolved from this module's location (the app's own
 * node_modules), never from the current folder: a packaged app or a CLI started elsewhere must
 * find exactly the packages it ships with. Null when it is not installed.
 */
export function resolvePackage(pkg: string): string | null {
  try {
    return require.resolve(pkg);
  } catch {
    return null;
  }
}

/** What a host found when it probed the native backends itself (the desktop app does, in a utility process). */
export type NativeProbes = Partial<Record<'node-gpu' | 'node', string | null>>;

/** The host's probes, for every backend selection in this process (the engine process sets them on configure). */
let hostProbes: NativeProbes = {};
export function useHostProbes(probes: NativeProbes) { hostProbes = probes; }

/** The program that loads a binding at `path` and runs one op; exit 3: loaded but no GPU. */
export function probeProgram(path: string, name: 'node-gpu' | 'node'): string {
  return `const tf=require(${JSON.stringify(path)});tf.tensor([1,2,3]).square().dataSync();` +
    (name === 'node-gpu' ? 'if(!tf.engine().backend.isUsingGpuDevice)process.exit(3);' : '');
}

/** What a probe's exit says: null when the binding works, else why not. */
export function probeVerdict(status: number | null, signal: string | null, stderr: string): string | null {
  if (status === 0) return null;
  if (status === 3) return 'loaded, but found no usable GPU device';
  if (signal) return `the probe process died with ${signal}`;
  const line = stderr.split('\n').map((l) => l.trim()).filter(Boolean).find((l) => /error/i.test(l)) ?? `exit code ${status}`;
  return line.slice(0, 300);
}

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
      const ok = await tf.setBackend('wasm');
      if (!ok) return { ok, reason: 'the wasm backend failed to initialise' };
      registerWasmGradientKernels();
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
export async function selectBackend(choice: BackendChoice = 'auto', probes?: NativeProbes): Promise<BackendInfo> {
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

export function wasmFeatures() {
  return { simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'), threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') };
}

/** Every backend, whether it loads here (native ones only in a child process, for `doctor`). */
export async function diagnoseBackends(probes: NativeProbes = hostProbes): Promise<{ attempts: BackendAttempt[]; wasm?: { simd: boolean; threads: boolean } }> {
  const attempts: BackendAttempt[] = [];
  let wasm: { simd: boolean; threads: boolean } | undefined;
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
