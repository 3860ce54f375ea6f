// Filters, orderings and histories of the misclassification browser, on hand-made predictions.
import { describe, expect, it } from 'vitest';
import { RunData } from '../../../../renderer/src/lib/run-data.ts';
import { histories, sampleHistory, select, type Query } from '../../../../renderer/src/instruments/predictions/analysis.ts';
import { packPredictions } from '../../../../shared/instruments/predictions/packing.ts';
import type { PredictionsHeader } from '../../../../shared/instruments/predictions/definition.ts';

const labels = [0, 1, 2, 0];
function add(run: RunData, epoch: number, predicted: number[], loss: number[], pGiven: number[], margin: number[], extra?: { maxOther: number[]; labelIssue: number[] }) {
  const n = 4, k = 1;
  const f = packPredictions({
    predicted: Float32Array.from(predicted), loss: Float32Array.from(loss), margin: Float32Array.from(margin), pGiven: Float32Array.from(pGiven),
    correct: Float32Array.from(predicted.map((p, i) => (p === labels[i] ? 1 : 0))), topIndex: [Float32Array.from(predicted)], topProb: [Float32Array.from(pGiven.map((p) => 1 - p / 2))],
    maxOther: extra?.maxOther ? Float32Array.from(extra.maxOther) : null, labelIssue: extra?.labelIssue ? Float32Array.from(extra.labelIssue) : null,
  }, n, k);
  const header: PredictionsHeader = { epoch, split: 'validation', n, classes: 3, k, task: 'multiclass', loss: 0, accuracy: 0, confusion: null, perClass: null };
  run.addPredictions(header, f);
}

function fixture() {
  const run = new RunData('r');
  // sample 0: right, right, right; 1: wrong, right, wrong (flips twice); 2: wrong always; 3: right, right, wrong (newly wrong)
  add(run, 0, [0, 0, 1, 0], [0.1, 2, 3, 0.2], [0.9, 0.1, 0.05, 0.8], [0.8, 0.5, 0.2, 0.7]);
  add(run, 1, [0, 1, 0, 0], [0.1, 0.3, 3, 0.2], [0.9, 0.7, 0.05, 0.8], [0.8, 0.4, 0.3, 0.6]);
  add(run, 2, [0, 2, 1, 1], [0.05, 1.5, 4, 2.5], [0.95, 0.2, 0.01, 0.3], [0.9, 0.1, 0.6, 0.05], { maxOther: [0.03, 0.7, 0.6, 0.35], labelIssue: [0, 1, 1, 0] });
  return run;
}
const q = (over: Partial<Query>): Query => ({ epoch: 2, trueClass: null, predClass: null, only: 'all', since: null, sort: 'index', ...over });

describe('misclassification analysis', () => {
  it('histories: flips and always-wrong across epochs', () => {
    const h = histories(fixture(), 'validation');
    expect(Array.from(h.flips)).toEqual([0, 2, 0, 1]);
    expect(Array.from(h.alwaysWrong)).toEqual([0, 0, 1, 0]);
    expect(sampleHistory(fixture(), 'validation', 1).map((e) => [e.epoch, e.predicted, e.correct])).toEqual([[0, 0, false], [1, 1, true], [2, 2, false]]);
  });

  it('filters: wrong, always wrong, changed correctness, newly wrong since an epoch, likely label issue, true and predicted class', () => {
    const run = fixture();
    const sel = (o: Partial<Query>) => Array.from(select(run, 'validation', q(o), labels));
    expect(sel({ only: 'wrong' })).toEqual([1, 2, 3]);
    expect(sel({ only: 'right' })).toEqual([0]);
    expect(sel({ only: 'always-wrong' })).toEqual([2]);
    expect(sel({ only: 'changed' })).toEqual([1, 3]);
    expect(sel({ only: 'label-issue' })).toEqual([1, 2]);
    expect(sel({ only: 'label-issue', epoch: 1 })).toEqual([]); // (an epoch without confident learning flags nothing)
    expect(sel({ only: 'newly-wrong', since: 1 })).toEqual([1, 3]);
    expect(sel({ only: 'newly-wrong', since: 0 })).toEqual([3]);
    expect(sel({ trueClass: 0 })).toEqual([0, 3]);
    expect(sel({ trueClass: 0, predClass: 1 })).toEqual([3]);
    expect(sel({ only: 'near-twin' })).toEqual([]); // (before the data audit has looked: none)
  });

  it('near twins handed over by the data audit mark held-out samples by position, in their own split only', () => {
    const run = fixture();
    run.addBrowsable({
      split: 'train', n: 2, classes: 3, accuracy: 1, confusion: [[1, 0, 0], [0, 1, 0], [0, 0, 0]], labelIssues: { estimated: 0, flagged: 0, noiseMatrix: [], thresholds: [] },
      indices: [7, 9], labels: [0, 1], shape: [2], encoding: 'f32', lo: 0, hi: 1, data: '', predictions: '', k: 1,
      twins: { validation: [[3, 9, 0.995], [1, 7, 1]], test: [] },
    });
    expect(Array.from(select(run, 'validation', q({ only: 'near-twin' }), labels))).toEqual([1, 3]);
    expect(Array.from(select(run, 'validation', q({ only: 'near-twin', sort: 'loss' }), labels))).toEqual([3, 1]);
    expect(run.nearTwins.validation!.get(3)).toEqual({ trainRow: 9, similarity: 0.995 });
    expect(run.nearTwins.test!.size).toBe(0);
  });

  it('orders by loss, margin and label-issue score', () => {
    const run = fixture();
    const sel = (o: Partial<Query>) => Array.from(select(run, 'validation', q(o), labels));
    expect(sel({ sort: 'loss' })).toEqual([2, 3, 1, 0]);
    expect(sel({ sort: 'margin' })).toEqual([3, 1, 2, 0]);
    expect(sel({ sort: 'label-issue' })).toEqual([2, 1, 3, 0]); // lowest p(given label) first
    expect(sel({ sort: 'confidence' })).toEqual([2, 1, 3, 0]);
    // p(given) - max other: 0.92, -0.5, -0.59, -0.05
    expect(sel({ sort: 'given-vs-other' })).toEqual([2, 1, 3, 0]);
    // without maxOther (older runs) it comes from the top-k: here k = 1, so only where top-1 is not the given label
    expect(sel({ sort: 'given-vs-other', epoch: 1 })).toEqual([2, 1, 3, 0]); // 0.9, 0.7, -0.925, 0.8
  });
});
