// Entry of a utility process that probes one native TensorFlow.js binding: loads it from the
// absolute path main resolved, runs one op, and exits 0 (works), 3 (no GPU) or 1 (the error on
// stderr). A CUDA fault or SIGILL kills this process, never the app. It runs as a utility
// process so the packaged app can turn the RunAsNode fuse off.
import { createRequire } from 'node:module';

const [path, name] = process.argv.slice(2);
try {
  const tf = createRequire(path)(path) as { tensor(v: number[]): { square(): { dataSync(): unknown } }; engine(): { backend: { isUsingGpuDevice?: boolean } } };
  tf.tensor([1, 2, 3]).square().dataSync();
  if (name === 'node-gpu' && !tf.engine().backend.isUsingGpuDevice) process.exit(3);
  process.exit(0);
} catch (e) {
  process.stderr.write(`error: ${(e as Error).message.split('\n')[0]}\n`);
  process.exit(1);
}
