// `trainscope worker --queue redis://host:6379`: trains sweep trials taken from the queue, on
// this machine's best backend, until Ctrl-C (a trial it is running then goes back to the queue).
import type { BackendChoice } from '../../engine/backends/select.ts';
import { InputError } from '../../engine/errors.ts';
import { startQueueWorker } from '../../engine/sweep/queue/queue-worker.ts';

export function checkQueueUrl(url: string): string {
  let u: URL;
  try { u = new URL(url); } catch { throw new InputError('--queue', `"${url}" is not a URL (expected redis://host:6379)`); }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new InputError('--queue', `"${url}": expected a redis:// or rediss:// URL`);
  return url;
}

export async function workerCommand(url: string, backend: BackendChoice): Promise<number> {
  let w;
  try {
    w = await startQueueWorker({ url: checkQueueUrl(url), backend, log: (l) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${l}\n`) });
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError('--queue', `cannot reach ${url} (${(e as Error).message})`);
  }
  process.stderr.write(`worker ${process.pid}: waiting for trials on ${url} (Ctrl-C to stop)\n`);
  const stop = () => { process.stderr.write('\nstopping: a trial in progress goes back to the queue\n'); void w.close(); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await w.closed;
  return 0;
}
