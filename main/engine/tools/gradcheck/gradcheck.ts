// Gradient check: backprop gradients against central finite differences on a tiny batch, per
// variable, as CS231n recommends before trusting a training curve. TensorFlow.js computes in
// float32, so differences are taken with a step of 1e-2 and judged by relative error: about
// 1e-4..1e-3 is normal, above 1e-2 means the gradient is wrong (or a ReLU kink was crossed, which
// is why the median error is reported beside the largest).
import * as tf from '@tensorflow/tfjs';
import type { RunSpec } from '../../../../shared/spec.ts';
import type { BackendChoice } from '../../backends/select.ts';
import { Trainer } from '../../train/trainer.ts';
import { perSampleLoss } from '../../train/loss.ts';
import { sampleSize } from '../../data/dataset.ts';
import { rng } from '../../seed.ts';
import type { GradcheckResult } from '../../../../shared/tools/gradcheck/definition.ts';

export type VariableCheck = GradcheckResult['variables'][number];
export type { GradcheckResult };

/** Compares `grad` with finite differences of `loss` on up to `perVariable` elements of each variable. */
export async function compareGradients(
  loss: () => tf.Scalar, vars: { name: string; variable: tf.Variable }[], grad: () => tf.NamedTensorMap,
  opts: { eps?: number; perVariable?: number; seed?: number } = {},
): Promise<VariableCheck[]> {
  const eps = opts.eps ?? 1e-2, per = opts.perVariable ?? 12;
  const rand = rng(opts.seed ?? 1);
  const g = grad();
  const out: VariableCheck[] = [];
  for (const { name, variable } of vars) {
    const analytic = await g[variable.name].data();
    const values = await variable.data();
    const n = values.length;
    const picks = n <= per ? Array.from({ length: n }, (_, i) => i) : Array.from({ length: per }, () => Math.floor(rand() * n));
    const errors: number[] = [];
    for (const i of picks) {
      const at = (delta: number) => {
        const w = values.slice() as Float32Array;
        w[i] += delta;
        variable.assign(tf.tensor(w, variable.shape));
        return tf.tidy(() => loss().dataSync()[0]);
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      variable.assign(tf.tensor(values, variable.shape));
      const a = analytic[i];
      errors.push(Math.abs(a - numeric) / Math.max(Math.abs(a) + Math.abs(numeric), 1e-6));
    }
    errors.sort((x, y) => x - y);
    out.push({ variable: name, checked: picks.length, maxRelError: errors[errors.length - 1] ?? 0, medianRelError: errors[Math.floor(errors.length / 2)] ?? 0 });
  }
  tf.dispose(Object.values(g));
  return out;
}

export async function gradcheck(spec: RunSpec, baseDir: string, opts: { backend?: BackendChoice; dataDirs?: readonly string[]; samples?: number; tolerance?: number } = {}): Promise<GradcheckResult> {
  const trainer = new Trainer({ spec, baseDir, backend: opts.backend ?? 'auto', dataDirs: opts.dataDirs });
  await trainer.prepare();
  const { model } = trainer.built;
  const d = trainer.data.train;
  const n = Math.min(opts.samples ?? 4, d.n);
  const x = tf.tensor(d.x.subarray(0, n * sampleSize(d.shape)), [n, ...d.shape]);
  const y = tf.tensor1d(d.y.subarray(0, n));
  // Inference mode: dropout and noise would make the loss random between the two evaluations.
  const loss = () => tf.tidy(() => {
    const data = tf.mean(perSampleLoss(spec.training.loss, y, model.apply(x, { training: false }) as tf.Tensor2D, d.classes));
    const reg = model.calculateLosses();
    return (reg.length ? tf.addN([data, ...reg]) : data) as tf.Scalar;
  });
  const vars = model.trainableWeights.map((w) => ({ name: w.originalName, variable: w.read() as tf.Variable }));
  const grad = () => tf.variableGrads(loss, vars.map((v) => v.variable)).grads;
  const tolerance = opts.tolerance ?? 1e-2;
  const variables = await compareGradients(loss, vars, grad);
  tf.dispose([x, y]);
  model.dispose();
  // The median guards against the odd element whose perturbation crosses a ReLU kink.
  return { passed: variables.every((v) => v.medianRelError < tolerance), eps: 1e-2, samples: n, tolerance, variables, backend: trainer.backend.name };
}
