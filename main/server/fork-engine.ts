// The engine as a Node child process, for the browser-mode server.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { EngineProcess } from '../engine/process/supervisor.ts';

export function forkEngine(): EngineProcess {
  const entry = new URL(`../engine/process/engine-process${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  // From TypeScript sources the child needs the tsx loader; an absolute URL so any cwd works.
  const execArgv = entry.pathname.endsWith('.ts') ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];
  // detached: a process group of its own, so Ctrl-C in the terminal reaches the server alone, which
  // stops the run properly (run-end `stopped`) instead of the engine dying of the same SIGINT
  const child = fork(entry, [], { execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced', detached: true });
  // (still shown where the server runs, and kept in engine.log by the supervisor)
  child.stdout!.pipe(process.stdout);
  child.stderr!.pipe(process.stderr);
  return {
    send: (m) => { if (child.connected) child.send(m); },
    onMessage: (l) => child.on('message', l),
    onExit: (l) => child.on('exit', (code, signal) => l(code, signal)),
    onOutput: (l) => { for (const s of [child.stdout!, child.stderr!]) s.on('data', (d: Buffer) => l(d.toString('utf8'))); },
    kill: () => { child.kill('SIGKILL'); },
  };
}
