// Entry of a fold worker thread (fold-pool.ts). From TypeScript sources (CLI, tests) it installs
// the tsx loader, which Node 20 does not apply to a worker's own entry module. (A copy of the
// statistics worker's boot file: each must sit beside the code that starts it, in the sources as
// in the desktop app's bundle folder.)
import { workerData } from 'node:worker_threads';

if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.entry);
