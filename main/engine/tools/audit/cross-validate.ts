// The cross-validated audit of the training labels. The training split is cut into K folds,
// stratified by label (each fold holds every class in proportion, as cleanlab's own
// cross-validation does); K models, each trained on the other folds with the spec's own
// settings, predict the fold they never saw. Every training sample so gets an out-of-sample
// prediction, which is what confident learning needs: a model's predictions on the samples it
// trained on would agree with their labels, wrong or not. Confident learning then runs once over
// the whole split (its per-class thresholds are the split's, not a fold's).
import type { RunSpec } from '../../../../shared/spec.ts';
import type { ToolProgress } from '../../../../shared/host.ts';
import type { AuditResult } from '../../../../shared/tools/audit/definition.ts';
import { findLabelIssues } from '../../../../shared/instruments/predictions/confident-learning.ts';
import { packPredictions, type Predictions } from '../../../../shared/instruments/predictions/packing.ts';
import { f32ToBase64, bytesToBase64 } from '../../../../shared/base64.ts';
import { mulberry32 } from '../../../../shared/random.ts';
import type { BackendChoice } from '../../backends/select.ts';
import { prepareData, type Splits } from '../../data/load.ts';
import { sampleSize, samplesPayload, subset } from '../../data/dataset.ts';
import { selectBackend } from '../../backends/select.ts';
import { runFolds, defaultFoldWorkers, poolable } from './fold-pool.ts';
import type { FoldJob } from './fold.ts';
import { InputError, ToolFailed } from '../../errors.ts';
import { stopped } from '../framework/tool.ts';
import { nearDuplicates } from '../../data-audit/near-duplicates.ts';

export interface AuditOptions {
  backend?: BackendChoice;
  dataDirs?: readonly string[];
  folds?: number;
  show?: number;
  onProgress?: (p: ToolProgress) => void;
  signal?: AbortSignal;
  /** splits already loaded, instead of the spec's data (the benchmark plants wrong labels in them) */
  data?: Splits;
  /** threads the folds train on (default: a core but one; 1 with a native backend) */
  workers?: number;
}

/** The inputs the result carries for the browser at most: 64 MB (about 85,000 28x28 images). */
const MAX_SHOWN_BYTES = 64 * 2 ** 20;

/** The class a row of probabilities predicts: the argmax, or for one sigmoid unit (two columns) class 1 above the threshold. */
function predictedClass(row: ArrayLike<number>, threshold: number | null): number {
  if (threshold !== null) return row[1] > threshold ? 1 : 0;
  let best = 0;
  for (let c = 1; c < row.length; c++) if (row[c] > row[best]) best = c;
  return best;
}

/** Fold of each sample: per class, its samples shuffled (seeded) and dealt out in turn. */
export function stratifiedFolds(labels: ArrayLike<number>, classes: number, folds: number, seed: number): Uint8Array {
  const next = mulberry32(seed);
  const fold = new Uint8Array(labels.length);
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
  let offset = 0; // (classes continue the deal where the last left off: the folds' sizes differ by one at most)
  for (const members of byClass) {
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [members[i], members[j]] = [members[j], members[i]];
    }
    members.forEach((m, i) => { fold[m] = (offset + i) % folds; });
    offset = (offset + members.length) % folds;
  }
  return fold;
}

/** The per-sample numbers the misclassification browser shows, from every class's probability. */
export function predictionsFromProbabilities(probs: Float32Array, loss: Float32Array, labels: ArrayLike<number>, K: number, k: number, threshold: number | null = null): Predictions {
  const n = labels.length;
  const p: Predictions = {
    predicted: new Float32Array(n), loss: Float32Array.from(loss), margin: new Float32Array(n), pGiven: new Float32Array(n), correct: new Float32Array(n),
    topIndex: Array.from({ length: k }, () => new Float32Array(n)), topProb: Array.from({ length: k }, () => new Float32Array(n)),
    maxOther: new Float32Array(n), labelIssue: new Float32Array(n),
  };
  const order = Array.from({ length: K }, (_, c) => c);
  for (let i = 0; i < n; i++) {
    const row = probs.subarray(i * K, (i + 1) * K), given = labels[i];
    order.sort((a, b) => row[b] - row[a] || a - b); // (ties to the lower class, as argmax)
    p.predicted[i] = predictedClass(row, threshold);
    p.margin[i] = row[order[0]] - (K > 1 ? row[order[1]] : 0);
    p.pGiven[i] = row[given];
    p.correct[i] = p.predicted[i] === given ? 1 : 0;
    p.maxOther![i] = order[0] === given ? (K > 1 ? row[order[1]] : 0) : row[order[0]];
    for (let j = 0; j < k; j++) { p.topIndex[j][i] = order[j]; p.topProb[j][i] = row[order[j]]; }
  }
  return p;
}

function pick(p: Predictions, rows: number[]): Predictions {
  const g = (a: Float32Array) => Float32Array.from(rows, (r) => a[r]);
  return {
    predicted: g(p.predicted), loss: g(p.loss), margin: g(p.margin), pGiven: g(p.pGiven), correct: g(p.correct),
    topIndex: p.topIndex.map(g), topProb: p.topProb.map(g), maxOther: g(p.maxOther!), labelIssue: g(p.labelIssue!),
  };
}

export async function crossValidatedAudit(spec: RunSpec, baseDir: string, opts: AuditOptions = {}): Promise<AuditResult> {
  const started = performance.now();
  const folds = opts.folds ?? 5, show = opts.show ?? 2000;
  const splits = opts.data ?? prepareData(spec, baseDir, { hostDirs: opts.dataDirs });
  const train = splits.train;
  if (train.classes === null) throw new InputError('data.train', 'the data audit needs classes: this is a regression task, and label issues are about class labels');
  if (train.n < folds * 2) throw new InputError('data.train', `${train.n} training samples are too few for ${folds} folds`);
  const K = train.classes;
  const k = Math.min(spec.instruments.predictions.topK, K);
  const foldOf = stratifiedFolds(train.y, K, folds, spec.seed);
  const probs = new Float32Array(train.n * K), loss = new Float32Array(train.n);
  const foldAccuracy: number[] = [];
  // (checkpoints need a run folder, and the audit writes none; the spec's early stopping stays, on its own validation split)
  // (an imported model trains from its initialisers: its file's weights may have seen the fold they would predict, and confident learning needs predictions out of sample)
  const foldSpec = (f: number): RunSpec => ({
    ...spec, name: `${spec.name}-audit-fold${f + 1}`, training: { ...spec.training, checkpoint: undefined },
    ...(spec.model.import ? { model: { ...spec.model, weights: 'initial' as const } } : {}),
  });
  const totalSteps = folds * spec.training.epochs;
  let backend = '';
  let sigmoid = false; // one sigmoid unit: the class is decided at the spec's threshold
  const threshold = () => (sigmoid ? spec.instruments.predictions.threshold : null);
  // Folds train at once on spare cores (single-threaded backends only), else one after another.
  const backendNow = await selectBackend(opts.backend ?? 'auto');
  const workers = poolable(backendNow.name) ? Math.min(opts.workers ?? defaultFoldWorkers(), folds) : 1;
  const jobs: FoldJob[] = [];
  const members: number[][] = [];
  for (let f = 0; f < folds; f++) {
    const inFold: number[] = [], rest: number[] = [];
    for (let i = 0; i < train.n; i++) (foldOf[i] === f ? inFold : rest).push(i);
    members.push(inFold);
    // (the backend the tool's thread got, by name: a worker thread must not pick another)
    jobs.push({ spec: foldSpec(f), fold: f, data: { ...splits, train: subset(train, rest) }, held: subset(train, inFold), backend: workers > 1 ? backendNow.name : opts.backend ?? 'auto', baseDir });
  }
  const epochsDone = new Array<number>(folds).fill(0);
  const progress = (note: string) => {
    const done = epochsDone.reduce((a, b) => a + b, 0);
    const elapsed = performance.now() - started;
    const eta = Math.round((elapsed / Math.max(1, done)) * (totalSteps - done) / 1000);
    opts.onProgress?.({ done, total: totalSteps, note: `${note}, about ${eta} s left` });
  };
  const results = await runFolds(jobs, {
    workers, signal: opts.signal,
    onEpoch: (f, epoch) => { epochsDone[f] = epoch + 1; progress(workers > 1 ? `folds ${epochsDone.filter((e) => e > 0).length}/${folds} on ${workers} threads, fold ${f + 1} epoch ${epoch + 1}/${spec.training.epochs}` : `fold ${f + 1}/${folds}, epoch ${epoch + 1}/${spec.training.epochs}`); },
    // (a fold that stopped early still counts: its skipped epochs are done)
    onFold: (f) => { epochsDone[f] = spec.training.epochs; progress(`fold ${f + 1}/${folds} done`); },
  });
  if (opts.signal?.aborted) throw stopped();
  for (let f = 0; f < folds; f++) {
    const r = results[f];
    // a fold that did not train says nothing about the labels: its "issues" would be the model's
    if (r.status === 'diverged' || r.status === 'failed') {
      throw new ToolFailed(`fold ${f + 1} of ${folds} ${r.status}${r.reason ? ` (${r.reason})` : ''}: the spec does not train as it is, so its predictions cannot audit the labels; fix the training first (trainscope train, the diagnosis)`);
    }
    backend = r.backend;
    sigmoid = r.sigmoid;
    const bad = r.probs.findIndex((v) => !Number.isFinite(v));
    const inFold = members[f];
    if (bad >= 0) throw new ToolFailed(`fold ${f + 1} of ${folds}: the model's output is not a finite number (sample ${train.rows?.[inFold[Math.floor(bad / K)]] ?? inFold[Math.floor(bad / K)]} of the source), so its predictions cannot audit the labels; fix the training first`);
    let right = 0;
    inFold.forEach((row, i) => {
      probs.set(r.probs.subarray(i * K, (i + 1) * K), row * K);
      loss[row] = r.loss[i];
      if (predictedClass(r.probs.subarray(i * K, (i + 1) * K), threshold()) === train.y[row]) right++;
    });
    foldAccuracy.push(inFold.length ? right / inFold.length : NaN);
  }

  const p = predictionsFromProbabilities(probs, loss, train.y, K, k, threshold());
  const cl = findLabelIssues({ labels: train.y, probs, classes: K });
  // (confident learning never flags a sample whose label its argmax agrees with; with one sigmoid
  // unit the prediction is made at the spec's threshold, which may disagree with the argmax)
  for (let i = 0; i < train.n; i++) p.labelIssue![i] = cl.flagged[i] && !p.correct[i] ? 1 : 0;
  const flaggedCount = p.labelIssue!.reduce((a, b) => a + b, 0);
  const confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  let correct = 0;
  for (let i = 0; i < train.n; i++) { confusion[train.y[i]][p.predicted[i]]++; correct += p.correct[i]; }

  // what the browser gets: the flagged samples, then the least self-confident, by self-confidence
  const bySelfConfidence = Array.from({ length: train.n }, (_, i) => i).sort((a, b) => p.pGiven[a] - p.pGiven[b] || a - b);
  // (at most MAX_SHOWN_BYTES of inputs: the result travels as one message, base64 in a string)
  const bytesPerSample = sampleSize(train.shape) * (train.shape.length === 3 ? 1 : 4);
  const shownCap = Math.max(1, Math.floor(MAX_SHOWN_BYTES / bytesPerSample));
  const rows = [...bySelfConfidence.filter((i) => p.labelIssue![i]), ...bySelfConfidence.filter((i) => !p.labelIssue![i])].slice(0, Math.min(show, shownCap));
  const shown = subset(train, rows);
  const payload = samplesPayload(shown);
  opts.onProgress?.({ done: totalSteps, total: totalSteps, note: 'near twins of the held-out samples in training...' });
  const nearTwins = heldOutNearTwins(splits);
  return {
    folds, n: train.n, classes: K, classNames: train.classNames,
    foldAccuracy, accuracy: correct / train.n, confusion, baseRate: Math.max(...confusion.map((row) => row.reduce((a, b) => a + b, 0))) / train.n,
    labelIssues: { estimated: cl.estimated, flagged: flaggedCount, noiseMatrix: cl.noiseMatrix, thresholds: cl.thresholds },
    task: K === 2 && sigmoid ? 'binary' : 'multiclass', shownCap,
    samples: {
      indices: rows.map((i) => train.rows?.[i] ?? i), labels: Array.from(shown.y), shape: train.shape, encoding: payload.encoding, lo: payload.lo, hi: payload.hi,
      data: bytesToBase64(payload.bytes), predictions: f32ToBase64(packPredictions(pick(p, rows), rows.length, k)), k,
    },
    nearTwins, backend, durationMs: performance.now() - started,
  };
}

/** Cosine similarity of the inputs at or above which a held-out sample counts as a training sample's near twin. On raw pixels 0.98 is too low: 40 of the 10,000 MNIST digits have a different digit that close. */
const TWIN_SIMILARITY = 0.99;
const MAX_PAIRS = 48;
/** Tabular near twins: z-scored rows at most this far apart per feature (root mean square), half a percent of a feature's spread (a dense cluster in a few features holds rows a twentieth of a spread apart by chance). */
const TWIN_Z_DISTANCE = 0.005;

/** Rows as z-scores of the training split's features (a constant feature gets spread 1). */
function zScorer(train: { x: Float32Array; n: number; shape: number[] }): (x: Float32Array) => Float32Array {
  const dim = sampleSize(train.shape);
  const mean = new Float64Array(dim), sq = new Float64Array(dim);
  for (let i = 0; i < train.n; i++) for (let f = 0; f < dim; f++) { const v = train.x[i * dim + f]; mean[f] += v; sq[f] += v * v; }
  const std = new Float64Array(dim);
  for (let f = 0; f < dim; f++) { mean[f] /= Math.max(1, train.n); std[f] = Math.sqrt(Math.max(0, sq[f] / Math.max(1, train.n) - mean[f] ** 2)) || 1; }
  return (x) => Float32Array.from(x, (v, k) => (v - mean[k % dim]) / std[k % dim]);
}

/** Euclidean distance between row i of a and row j of b. */
function distance(a: Float32Array, i: number, b: Float32Array, j: number, dim: number): number {
  let sum = 0;
  for (let f = 0; f < dim; f++) sum += (a[i * dim + f] - b[j * dim + f]) ** 2;
  return Math.sqrt(sum);
}

/** Held-out samples marked per split at most: [position, row, similarity] triples, about 30 bytes each in the result. */
const MAX_MARKED = 20_000;

/**
 * Held-out samples whose inputs nearly repeat a training sample's: each one's most similar
 * training sample by cosine similarity (inputs wider than 256 values are first projected to 128
 * dimensions to find the candidate, which is then scored exactly). A held-out score over such
 * samples measures memory as much as generalisation.
 */
function heldOutNearTwins(s: Splits): AuditResult['nearTwins'] {
  const dim = sampleSize(s.train.shape);
  const counts = { validation: 0, test: 0 };
  const found: { split: 'validation' | 'test'; i: number; t: number; similarity: number }[] = [];
  const marked: Record<'validation' | 'test', [number, number, number][]> = { validation: [], test: [] };
  // Tabular rows are compared as z-scores (each feature by training's mean and spread), and a
  // candidate must also be close: in a few dimensions, rows of one class point the same way
  // (cosine 0.99 and more) without repeating each other.
  const tabular = s.train.shape.length === 1;
  const z = tabular ? zScorer(s.train) : (x: Float32Array) => x;
  const train = z(s.train.x);
  for (const split of ['validation', 'test'] as const) {
    const d = s[split];
    if (!d.n) continue;
    const held = z(d.x);
    const candidates = nearDuplicates({ x: held, n: d.n, dim }, { x: train, n: s.train.n, dim }, { threshold: TWIN_SIMILARITY, project: dim > 256 ? 128 : undefined });
    const pairs = tabular ? candidates.filter((p) => distance(held, p.query, train, p.match, dim) <= TWIN_Z_DISTANCE * Math.sqrt(dim)) : candidates;
    counts[split] = pairs.length;
    for (const p of pairs) found.push({ split, i: p.query, t: p.match, similarity: p.similarity });
    // (positions, as the held-out splits' predictions are indexed; the twin by its source row, as the audit's samples are)
    marked[split] = pairs.slice(0, MAX_MARKED).map((p) => [p.query, s.train.rows?.[p.match] ?? p.match, p.similarity]);
  }
  const top = found.sort((a, b) => b.similarity - a.similarity || a.i - b.i).slice(0, MAX_PAIRS);
  // both inputs of each pair, as the samples are encoded
  const both = top.flatMap((p) => [[s[p.split], p.i] as const, [s.train, p.t] as const]);
  const x = new Float32Array(both.length * dim);
  both.forEach(([d, i], k) => x.set(d.x.subarray(i * dim, (i + 1) * dim), k * dim));
  const payload = samplesPayload({ ...s.train, x, y: new Float32Array(both.length), n: both.length });
  return {
    threshold: TWIN_SIMILARITY, counts,
    pairs: top.map((p) => ({ split: p.split, row: s[p.split].rows?.[p.i] ?? p.i, trainRow: s.train.rows?.[p.t] ?? p.t, similarity: p.similarity })),
    data: bytesToBase64(payload.bytes), marked,
  };
}
