// What the misclassification browser asks of a run's predictions: per-sample histories across
// epochs, filters and orderings. Pure functions over typed arrays: 10,000 samples stay instant.
import { labelIssueScore } from '../../../../shared/instruments/predictions/definition.ts';
import type { EpochPredictions, RunData, Split } from '../framework/index.ts';

export type Only = 'all' | 'wrong' | 'right' | 'always-wrong' | 'changed' | 'newly-wrong' | 'label-issue' | 'near-twin';
export type SortKey = 'loss' | 'confidence' | 'margin' | 'given-vs-other' | 'label-issue' | 'index';

/** What each filter and ordering is called in the view: the words say what is measured. */
export const ONLY_LABELS: Record<Only, string> = {
  all: 'all', wrong: 'wrong', right: 'right', 'always-wrong': 'always wrong',
  changed: 'changed correctness between epochs', 'newly-wrong': 'newly wrong since...',
  'label-issue': 'likely label issue (confident learning)',
  'near-twin': 'near twin in training (data audit)',
};
export const SORT_LABELS: Record<SortKey, string> = {
  loss: 'loss (highest first)', confidence: 'confidence (highest first)',
  margin: 'closest call (top-1 − top-2, smallest first)',
  'given-vs-other': 'p(given) − max other (most against the label first)',
  'label-issue': 'self-confidence: p(given) (lowest first)', index: 'index',
};

/** p(given label) minus the highest probability of any other class, per sample: negative where the model prefers another class. Older runs without maxOther take it from the top-k. */
export function givenVsOther(p: EpochPredictions['p'], labels: ArrayLike<number>, i: number): number {
  if (p.maxOther) return p.pGiven[i] - p.maxOther[i];
  const top = p.topIndex[0]?.[i] === labels[i] ? p.topProb[1]?.[i] ?? 0 : p.topProb[0]?.[i] ?? 0;
  return p.pGiven[i] - top;
}

export interface Query {
  epoch: number;
  trueClass: number | null;
  predClass: number | null;
  only: Only;
  /** for 'newly-wrong': right at this epoch, wrong at the chosen one */
  since: number | null;
  sort: SortKey;
}

export function epochsOf(run: RunData, split: Split): number[] {
  return [...run.predictions[split].keys()].sort((a, b) => a - b);
}

/** Per sample: how often its correctness changed across the recorded epochs, and whether it was never right. */
export function histories(run: RunData, split: Split): { flips: Uint16Array; alwaysWrong: Uint8Array; epochs: number[] } {
  const epochs = epochsOf(run, split);
  const first = run.predictions[split].get(epochs[0]);
  const n = first?.header.n ?? 0;
  const flips = new Uint16Array(n), alwaysWrong = new Uint8Array(n).fill(1);
  let prev: Float32Array | null = null;
  for (const e of epochs) {
    const c = run.predictions[split].get(e)!.p.correct;
    for (let i = 0; i < n; i++) {
      if (c[i]) alwaysWrong[i] = 0;
      if (prev && prev[i] !== c[i]) flips[i]++;
    }
    prev = c;
  }
  return { flips, alwaysWrong, epochs };
}

export function sampleHistory(run: RunData, split: Split, index: number): { epoch: number; predicted: number; correct: boolean; pGiven: number }[] {
  return epochsOf(run, split).map((epoch) => {
    const { p } = run.predictions[split].get(epoch)!;
    return { epoch, predicted: p.predicted[index], correct: p.correct[index] === 1, pGiven: p.pGiven[index] };
  });
}

export function select(run: RunData, split: Split, q: Query, labels: ArrayLike<number>, h = histories(run, split)): Int32Array {
  const ep: EpochPredictions | undefined = run.predictions[split].get(q.epoch);
  if (!ep) return new Int32Array(0);
  const { p, header } = ep;
  const since = q.since !== null ? run.predictions[split].get(q.since)?.p : undefined;
  const out: number[] = [];
  for (let i = 0; i < header.n; i++) {
    if (q.trueClass !== null && labels[i] !== q.trueClass) continue;
    if (q.predClass !== null && p.predicted[i] !== q.predClass) continue;
    const right = p.correct[i] === 1;
    if (q.only === 'wrong' && right) continue;
    if (q.only === 'right' && !right) continue;
    if (q.only === 'always-wrong' && !h.alwaysWrong[i]) continue;
    if (q.only === 'changed' && !h.flips[i]) continue;
    if (q.only === 'label-issue' && !p.labelIssue?.[i]) continue;
    if (q.only === 'near-twin' && !run.nearTwins[split]?.has(i)) continue;
    if (q.only === 'newly-wrong' && (right || !since || since.correct[i] !== 1)) continue;
    out.push(i);
  }
  const key: Record<SortKey, (i: number) => number> = {
    loss: (i) => -p.loss[i],                       // highest loss first
    confidence: (i) => -(p.topProb[0]?.[i] ?? 0),  // most confident first
    margin: (i) => p.margin[i],                    // closest calls first
    'given-vs-other': (i) => givenVsOther(p, labels, i), // most against the given label first
    'label-issue': (i) => -labelIssueScore(p.pGiven[i]), // likeliest label issues first
    index: (i) => i,
  };
  const k = key[q.sort];
  return Int32Array.from(out.sort((a, b) => k(a) - k(b) || a - b));
}

export { drawSample, featureText } from '../../charts/sample-image.ts';
