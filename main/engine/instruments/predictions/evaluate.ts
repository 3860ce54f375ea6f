// Per-sample predictions of a split: predicted class, top-k probabilities, loss, margin,
// self-confidence of the given label, correctness; the confusion matrix and per-class metrics.
// One inference pass in batches, one read-back per batch, the rest in JS.
import * as tf from '@tensorflow/tfjs';
import type { RunSpec } from '../../../../shared/spec.ts';
import type { ClassMetrics, LabelIssueSummary, PredictionSplit, PredictionsHeader } from '../../../../shared/instruments/predictions/definition.ts';
import { findLabelIssues } from '../../../../shared/instruments/predictions/confident-learning.ts';
import { type Predictions, packPredictions } from '../../../../shared/instruments/predictions/packing.ts';
import { type Dataset, perSampleLoss, readFlat, sampleSize } from '../framework/index.ts';
export { samplesPayload } from '../framework/index.ts';

const BATCH = 512;
const MAX_NOISE_MATRIX_CLASSES = 100;

export type Task = PredictionsHeader['task'];

export function taskOf(d: Dataset, outputUnits: number): Task {
  if (d.classes === null) return 'regression';
  return outputUnits === 1 ? 'binary' : 'multiclass';
}

export function confusionAndMetrics(labels: ArrayLike<number>, predicted: ArrayLike<number>, classes: number) {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) confusion[labels[i]][predicted[i]]++;
  const n = labels.length;
  const perClass: ClassMetrics[] = confusion.map((row, c) => {
    const tp = row[c];
    const support = row.reduce((a, b) => a + b, 0);
    const predictedC = confusion.reduce((a, r) => a + r[c], 0);
    const tn = n - support - predictedC + tp;
    return { precision: predictedC ? tp / predictedC : 0, recall: support ? tp / support : 0, accuracy: n ? (tp + tn) / n : 0, support };
  });
  return { confusion, perClass };
}

export async function predictSplit(
  model: tf.LayersModel, d: Dataset, spec: RunSpec, split: PredictionSplit, epoch: number,
): Promise<{ header: PredictionsHeader; packed: Float32Array; metrics: Record<string, number>; p: Predictions; probs: Float32Array | null }> {
  const outUnits = model.outputs[0].shape[1] as number;
  const task = taskOf(d, outUnits);
  const classes = task === 'regression' ? 0 : d.classes!;
  const k = task === 'regression' ? 0 : Math.min(spec.instruments.predictions.topK, classes);
  const n = d.n, size = sampleSize(d.shape);
  const th = spec.instruments.predictions.threshold;
  // every class's probability (two for one sigmoid unit): confident learning needs them all
  const K = task === 'regression' ? 0 : task === 'binary' ? 2 : classes;
  const allProbs = new Float32Array(n * K);
  const p: Predictions = {
    predicted: new Float32Array(n), loss: new Float32Array(n), margin: new Float32Array(n), pGiven: new Float32Array(n), correct: new Float32Array(n),
    topIndex: Array.from({ length: k }, () => new Float32Array(n)), topProb: Array.from({ length: k }, () => new Float32Array(n)),
    maxOther: K ? new Float32Array(n) : null, labelIssue: K ? new Float32Array(n) : null,
  };
  const cols = 4 + 2 * k + K; // predicted, loss, margin, pGiven, top indices, top probabilities, all probabilities
  for (let from = 0; from < n; from += BATCH) {
    const count = Math.min(BATCH, n - from);
    const t = tf.tidy(() => {
      const x = tf.tensor(d.x.subarray(from * size, (from + count) * size), [count, ...d.shape]);
      const y = tf.tensor1d(d.y.subarray(from, from + count));
      const out = model.apply(x, { training: false }) as tf.Tensor2D;
      const loss = perSampleLoss(spec.training.loss, y, out, d.classes);
      if (task === 'regression') {
        const pred = out.reshape([-1]);
        return tf.stack([pred, loss, tf.sub(pred, y), tf.zerosLike(pred)], 1);
      }
      const probs = task === 'binary' ? tf.concat([tf.sub(1, out), out], 1) : out;
      const { values, indices } = tf.topk(probs, Math.max(2, k));
      const top1 = values.slice([0, 0], [-1, 1]).reshape([-1]);
      const top2 = values.slice([0, 1], [-1, 1]).reshape([-1]);
      const predicted = task === 'binary' ? tf.greater(out.reshape([-1]), th).toFloat() : indices.slice([0, 0], [-1, 1]).reshape([-1]).toFloat();
      const pGiven = tf.sum(tf.mul(probs, tf.oneHot(y.toInt(), task === 'binary' ? 2 : classes)), 1);
      return tf.concat([tf.stack([predicted, loss, tf.sub(top1, top2), pGiven], 1), indices.slice([0, 0], [-1, k]).toFloat(), values.slice([0, 0], [-1, k]), probs], 1);
    });
    const v = await readFlat(t);
    for (let i = 0; i < count; i++) {
      const o = i * cols, s = from + i;
      p.predicted[s] = v[o]; p.loss[s] = v[o + 1]; p.margin[s] = v[o + 2]; p.pGiven[s] = v[o + 3];
      for (let j = 0; j < k; j++) { p.topIndex[j][s] = v[o + 4 + j]; p.topProb[j][s] = v[o + 4 + k + j]; }
      if (K) {
        const row = v.subarray(o + 4 + 2 * k, o + cols), given = d.y[s];
        allProbs.set(row, s * K);
        let other = 0;
        for (let c = 0; c < K; c++) if (c !== given && row[c] > other) other = row[c];
        p.maxOther![s] = other;
      }
    }
  }
  let lossSum = 0, correct = 0;
  // Regression: "correct" means within a tenth of the target's spread on this split.
  let tol = 0;
  if (task === 'regression') {
    let m = 0, m2 = 0;
    for (let i = 0; i < n; i++) { m += d.y[i]; m2 += d.y[i] * d.y[i]; }
    tol = 0.1 * Math.sqrt(Math.max(0, m2 / n - (m / n) ** 2));
  }
  for (let i = 0; i < n; i++) {
    lossSum += p.loss[i];
    p.correct[i] = task === 'regression' ? (Math.abs(p.margin[i]) <= tol ? 1 : 0) : (p.predicted[i] === d.y[i] ? 1 : 0);
    correct += p.correct[i];
  }
  const cm = task === 'regression' ? null : confusionAndMetrics(d.y, p.predicted, classes);
  let labelIssues: LabelIssueSummary | null = null;
  if (K) {
    // the split was held out of training: its predictions are the out-of-sample ones confident learning assumes
    let cl: ReturnType<typeof findLabelIssues> | null = null;
    try {
      cl = findLabelIssues({ labels: d.y, probs: allProbs, classes: K });
    } catch {
      // (labels it cannot read: the predictions still go out, without the label-issue blocks, never as "none flagged")
      p.labelIssue = p.maxOther = null;
    }
    if (cl) {
      // (confident learning never flags a sample its argmax agrees with; one sigmoid unit predicts at
      // predictions.threshold, which can disagree: a sample predicted as labelled is never an issue)
      let flagged = 0;
      for (let i = 0; i < n; i++) flagged += p.labelIssue![i] = cl.flagged[i] && !p.correct[i] ? 1 : 0;
      // (K x K numbers in every evaluation's header: left out past 100 classes, 20 MB an event at 1,000)
      labelIssues = { estimated: cl.estimated, flagged, noiseMatrix: K <= MAX_NOISE_MATRIX_CLASSES ? cl.noiseMatrix : [], thresholds: cl.thresholds };
    }
  }
  const header: PredictionsHeader = {
    epoch, split, n, classes, k, task, loss: n ? lossSum / n : 0, accuracy: task === 'regression' ? null : n ? correct / n : 0,
    confusion: cm?.confusion ?? null, perClass: cm?.perClass ?? null, labelIssues,
  };
  const metrics: Record<string, number> = { loss: header.loss };
  if (header.accuracy !== null && spec.training.metrics.includes('accuracy')) metrics.accuracy = header.accuracy;
  if (task === 'regression') {
    let se = 0, ae = 0;
    for (let i = 0; i < n; i++) { se += p.margin[i] ** 2; ae += Math.abs(p.margin[i]); }
    if (spec.training.metrics.includes('mse')) metrics.mse = se / n;
    if (spec.training.metrics.includes('mae')) metrics.mae = ae / n;
  }
  return { header, packed: packPredictions(p, n, k), metrics, p, probs: K ? allProbs : null };
}
