// Probing the native backends from the desktop app's main process, each in a utility process
// (the engine cannot spawn a Node there once RunAsNode is off). The result goes to the engine
// with its configuration; the CLI and the browser-mode server probe in the engine as before.
import { NATIVE_PACKAGES, probeVerdict, resolvePackage, type NativeProbes } from '../engine/backends/native.ts';

/** What the probe needs of utilityProcess.fork (a child_process.fork in tests). */
export interface ProbeChild {
  stderr?: NodeJS.ReadableStream | null;
  on(event: 'exit', listener: (code: number) => void): void;
  kill(): boolean | void;
}
export type ForkProbe = (script: string, args: string[]) => ProbeChild;

const TIMEOUT_MS = 60_000;

async function probeOne(fork: ForkProbe, script: string, name: 'node-gpu' | 'node', pkg: string): Promise<string | null> {
  const path = resolvePackage(pkg);
  if (!path) return 'not installed';
  return new Promise((done) => {
    let stderr = '';
    const child = fork(script, [path, name]);
    child.stderr?.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
    const timer = setTimeout(() => { child.kill(); done(`the probe did not finish in ${TIMEOUT_MS / 1000} s`); }, TIMEOUT_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      // a utility process that crashes exits with a code, not a signal
      done(probeVerdict(code, null, stderr));
    });
  });
}

/** `packages`: the bindings to load (the backends' own; a test gives a pure-JS stand-in). */
export async function probeNativeBackends(fork: ForkProbe, script: string, packages = NATIVE_PACKAGES): Promise<NativeProbes> {
  return { 'node-gpu': await probeOne(fork, script, 'node-gpu', packages['node-gpu']), node: await probeOne(fork, script, 'node', packages.node) };
}
