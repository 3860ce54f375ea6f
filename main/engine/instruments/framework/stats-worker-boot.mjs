// Entry of the statistics worker thread. From TypeScript sources (CLI, tests) it installs the
// same tsx loader the main thread uses: Node 20 does not apply `--import` loaders given in a
// worker's execArgv to the worker's own entry module.
import { workerData } from 'node:worker_threads';

if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.entry);
