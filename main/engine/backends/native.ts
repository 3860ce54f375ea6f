// What the native backends are and how a probe of one is read: no TensorFlow.js here, so the
// desktop app's main process can probe without loading it.
import { createRequire } from 'node:module';

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
export let hostProbes: NativeProbes = {};
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

