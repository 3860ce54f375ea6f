// A fold worker thread: trains the folds it is given, one after another, and sends back each
// fold's held-out predictions. The model and the backend live in this thread only.
import { parentPort } from 'node:worker_threads';
import { trainFold, type FoldJob } from './fold.ts';

let abort = new AbortController();
parentPort!.on('message', (m: { job: FoldJob } | { stop: true }) => {
  if ('stop' in m) { abort.abort(); return; }
  abort = new AbortController();
  trainFold(m.job, { signal: abort.signal, onEpoch: (epoch) => parentPort!.postMessage({ fold: m.job.fold, epoch }) })
    .then((result) => parentPort!.postMessage({ fold: m.job.fold, result }, [result.probs.buffer, result.loss.buffer] as ArrayBuffer[]))
    .catch((e: Error) => parentPort!.postMessage({ fold: m.job.fold, error: e.message }));
});
