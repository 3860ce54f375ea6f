// One fold of the cross-validated audit: a model trained on the other folds predicts the fold it
// never saw (every class's probability and the loss of each sample). The same function runs in
// the tool's own thread or in a fold worker (fold-pool.ts), so both give the same numbers.
import * as tf from '@tensorflow/tfjs';
import type { RunEndEvent } from '../../../../shared/events.ts';
import type { RunSpec } from '../../../../shared/spec.ts';
import type { BackendChoice } from '../../backends/select.ts';
import type { Splits } from '../../data/load.ts';
import { type Dataset, sampleSize } from '../../data/dataset.ts';
import { Trainer } from '../../train/trainer.ts';
import { perSampleLoss } from '../../train/loss.ts';
import { readFlat } from '../../train/readback.ts';

export interface FoldJob {
  /** the spec as each fold trains it (no checkpoints: the audit writes no run folder) */
  spec: RunSpec;
  fold: number;
  /** the splits with `train` cut to the other folds */
  data: Splits;
  /** the fold's own samples, to predict */
  held: Dataset;
  backend: BackendChoice;
  /** relative paths in the spec (an imported model file) resolve from here */
  baseDir: string;
}

export interface FoldResult {
  status: RunEndEvent['status'];
  reason?: string;
  backend: string;
  /** one sigmoid unit: the class is decided at a threshold, not by the argmax */
  sigmoid: boolean;
  /** held.n x K probabilities (two columns for one sigmoid unit); empty when the fold did not train */
  probs: Float32Array;
  loss: Float32Array;
}

const BATCH = 512;

/** Every class's probability and the loss of each sample of `d` (two columns for one sigmoid unit). */
async function predictProbabilities(model: tf.LayersModel, d: Dataset, spec: RunSpec, K: number): Promise<{ probs: Float32Array; loss: Float32Array }> {
  const size = sampleSize(d.shape);
  const probs = new Float32Array(d.n * K), loss = new Float32Array(d.n);
  for (let from = 0; from < d.n; from += BATCH) {
    const count = Math.min(BATCH, d.n - from);
    const t = tf.tidy(() => {
      const x = tf.tensor(d.x.subarray(from * size, (from + count) * size), [count, ...d.shape]);
      const y = tf.tensor1d(d.y.subarray(from, from + count));
      const out = model.apply(x, { training: false }) as tf.Tensor2D;
      const p = out.shape[1] === 1 ? tf.concat([tf.sub(1, out), out], 1) : out;
      return tf.concat([p, perSampleLoss(spec.training.loss, y, out, d.classes).reshape([-1, 1])], 1);
    });
    const v = await readFlat(t);
    t.dispose();
    for (let i = 0; i < count; i++) {
      probs.set(v.subarray(i * (K + 1), i * (K + 1) + K), (from + i) * K);
      loss[from + i] = v[i * (K + 1) + K];
    }
  }
  return { probs, loss };
}

/** Trains one fold and predicts its held-out samples; `onEpoch` after each epoch; a stop via `signal` ends it as stopped. */
export async function trainFold(job: FoldJob, hooks: { onEpoch?: (epoch: number) => void; signal?: AbortSignal } = {}): Promise<FoldResult> {
  const trainer = new Trainer({ spec: job.spec, baseDir: job.baseDir, backend: job.backend, instruments: false, data: job.data });
  const onAbort = () => trainer.stop();
  hooks.signal?.addEventListener('abort', onAbort);
  trainer.on((e) => { if (e.type === 'epoch') hooks.onEpoch?.(e.epoch); });
  let end;
  try {
    end = await trainer.run({});
  } finally {
    hooks.signal?.removeEventListener('abort', onAbort);
  }
  const model = trainer.built.model;
  try {
    const base = { status: end.status, ...(end.reason ? { reason: end.reason } : {}), backend: trainer.backend.name, sigmoid: model.outputs[0].shape[1] === 1 };
    if (hooks.signal?.aborted || end.status === 'diverged' || end.status === 'failed') return { ...base, probs: new Float32Array(0), loss: new Float32Array(0) };
    return { ...base, ...(await predictProbabilities(model, job.held, job.spec, job.held.classes!)) };
  } finally {
    model.dispose();
  }
}
