// The fix trial's verdict: the same metric on the same layers in the original and the variant, and
// whether the original cause is still the cause. Findings and diagnoses are written by hand in the
// shapes the engine emits (shared/diagnosis/finding.ts, diagnosis.ts).
import { describe, expect, it } from 'vitest';
import type { Finding, Metric } from '../../shared/diagnosis/finding.ts';
import type { Cause, CauseKind, Diagnosis, Vitals } from '../../shared/diagnosis/diagnosis.ts';
import { validateSpec, type RunSpec, type RunSpecInput } from '../../shared/spec.ts';
import { applyFix } from '../../shared/diagnosis/fixes.ts';
import { adoptedSpec, isBad, judge, layerMapOf, trialVerdict, valueAt, VERDICT_TEXT, worthApplying } from '../../renderer/src/diagnosis/verdict.ts';

const saturated: Metric = { id: 'saturated_fraction', label: 'saturated fraction', format: 'pct', better: 'low', threshold: 0.3 };
const gradRatio: Metric = { id: 'grad_rms_ratio', label: 'RMS gradient ratio', format: 'num', better: 'high', threshold: 1e-3 };
const updates: Metric = { id: 'update_ratio', label: 'median update ratio', format: 'num', better: 'low', threshold: 0.1 };

function finding(over: Partial<Finding>): Finding {
  return {
    id: `${over.kind ?? 'saturated_units'}`, kind: 'saturated_units', severity: 'warning', title: 't', layers: [], step: 10, epoch: 0,
    evidence: ['e'], explanation: 'x', remedies: [], source: 'activations', ...over,
  };
}

/** Two tanh layers saturated; dense_1 from step 0, dense_2 from step 20. */
const sat = finding({
  kind: 'saturated_units', layers: ['dense_1', 'dense_2'], metric: saturated, value: 0.9,
  perLayer: [
    { layer: 'dense_1', value: 0.9, step: 0, series: [0.8, 0.85, 0.9, 0.9], seriesSteps: [0, 10, 20, 30] },
    { layer: 'dense_2', value: 0.6, step: 20, series: [0.1, 0.2, 0.6, 0.7], seriesSteps: [0, 10, 20, 30] },
  ],
});

function cause(kind: CauseKind): Cause {
  return { kind, confidence: 0.8, title: kind, chain: [kind], links: [], layers: [], step: 0, explanation: '', remedies: [], explains: [], alternatives: [] };
}
function diagnosis(vitals: Vitals | null, causeKind: CauseKind | null = null): Diagnosis {
  return { cause: causeKind ? cause(causeKind) : null, groups: [], vitals };
}
const vitals = (step: number, layers: Vitals['layers'], model: Vitals['model'] = {}): Vitals => ({ step, layers, model });

describe('one layer, judged on its metric', () => {
  it('fixed: on the good side of the threshold; improved: at least 25% better; worse: 25% worse', () => {
    expect(judge(saturated, 0.9, 0.2)).toBe('fixed');
    expect(judge(saturated, 0.9, 0.6)).toBe('improved');
    expect(judge(saturated, 0.9, 0.8)).toBe('unchanged');
    expect(judge(saturated, 0.5, 0.7)).toBe('worse');
    expect(judge(saturated, 0.9, null)).toBe('unknown');
    // "high is better": a gradient ratio that grows
    expect(judge(gradRatio, 1e-5, 5e-3)).toBe('fixed');
    expect(judge(gradRatio, 1e-5, 1e-4)).toBe('improved');
    expect(judge(gradRatio, 1e-5, 1.1e-5)).toBe('unchanged');
    expect(judge(gradRatio, 1e-5, 1e-6)).toBe('worse');
  });

  it('a variant that went non-finite is worse; a non-finite original that became finite improved', () => {
    expect(judge(updates, 0.5, NaN)).toBe('worse');
    expect(judge(updates, 0.5, Infinity)).toBe('worse');
    expect(judge(updates, Infinity, 0.3)).toBe('improved');
  });

  it('a band metric is good between 1/t and t, and judged by its distance from 1 in log scale', () => {
    const band = { better: 'band' as const, threshold: 10 };
    expect(isBad(band, 0.05)).toBe(true);
    expect(isBad(band, 20)).toBe(true);
    expect(isBad(band, 2)).toBe(false);
    expect(judge(band, 0.001, 0.5)).toBe('fixed');
    expect(judge(band, 1000, 30)).toBe('improved');
    expect(judge(band, 30, 1000)).toBe('worse');
  });

  it('without a threshold nothing is "fixed", only better or worse', () => {
    expect(judge({ better: 'low', threshold: null }, 1, 0.01)).toBe('improved');
    expect(judge({ better: 'low', threshold: null }, 1, 1)).toBe('unchanged');
  });

  it('the original is read at the latest collection at or before the variant step', () => {
    const e = sat.perLayer![1];
    expect(valueAt(e, 25)).toBe(0.6);
    expect(valueAt(e, 30)).toBe(0.7);
    expect(valueAt(e, 1000)).toBe(0.7);
    expect(valueAt(e, -5)).toBe(0.1); // before the first point: the first
    expect(valueAt({ value: 0.4, series: [], seriesSteps: [] }, 10)).toBe(0.4);
  });
});

describe('the trial verdict', () => {
  it('the symptom went away: every affected layer fixed and the cause is no longer the cause', () => {
    const v = trialVerdict({
      finding: sat, baseCause: 'bad_init_scale',
      variant: { diagnosis: diagnosis(vitals(25, { dense_1: { saturated_fraction: 0.05 }, dense_2: { saturated_fraction: 0.1 } })), findings: [], done: true },
    });
    expect(v.kind).toBe('gone');
    expect(v.text).toBe('the symptom went away');
    expect(v.basis).toBe('metric');
    expect(v.layers).toEqual([
      { layer: 'dense_1', variantLayer: 'dense_1', before: 0.9, after: 0.05, beforeBad: true, judgement: 'fixed' },
      { layer: 'dense_2', variantLayer: 'dense_2', before: 0.6, after: 0.1, beforeBad: true, judgement: 'fixed' },
    ]);
    expect(worthApplying(v)).toBe(true);
  });

  it('judges the layers the finding names, not the finding kind anywhere in the model (issue 9)', () => {
    // The variant still reports saturated units, on another layer: the tried layers are fixed.
    const elsewhere = finding({ kind: 'saturated_units', layers: ['dense_3'] });
    const v = trialVerdict({
      finding: sat, baseCause: 'bad_init_scale',
      variant: { diagnosis: diagnosis(vitals(25, { dense_1: { saturated_fraction: 0.05 }, dense_2: { saturated_fraction: 0.1 }, dense_3: { saturated_fraction: 0.5 } }), 'deep_saturating_stack'), findings: [elsewhere], done: true },
    });
    expect(v.kind).toBe('gone');
    expect(v.kindStill).toBe(true);
  });

  it('better, not gone: fixed on every layer while the original cause remains, or fixed on only some layers', () => {
    const sameCause = trialVerdict({
      finding: sat, baseCause: 'bad_init_scale',
      variant: { diagnosis: diagnosis(vitals(25, { dense_1: { saturated_fraction: 0.05 }, dense_2: { saturated_fraction: 0.1 } }), 'bad_init_scale'), findings: [], done: true },
    });
    expect(sameCause.kind).toBe('better');
    expect(sameCause.causeStill).toBe(true);
    expect(sameCause.text).toBe('better, not gone');
    const partly = trialVerdict({
      finding: sat, baseCause: 'bad_init_scale',
      variant: { diagnosis: diagnosis(vitals(25, { dense_1: { saturated_fraction: 0.05 }, dense_2: { saturated_fraction: 0.62 } })), findings: [], done: true },
    });
    expect(partly.layers.map((l) => l.judgement)).toEqual(['fixed', 'unchanged']);
    expect(partly.kind).toBe('better');
  });

  it('the symptom is still there: no layer moved by the margin', () => {
    const v = trialVerdict({
      finding: sat, baseCause: 'bad_init_scale',
      variant: { diagnosis: diagnosis(vitals(25, { dense_1: { saturated_fraction: 0.88 }, dense_2: { saturated_fraction: 0.55 } }), 'bad_init_scale'), findings: [sat], done: true },
    });
    expect(v.kind).toBe('still');
    expect(v.text).toBe('the symptom is still there');
    expect(worthApplying(v)).toBe(false);
  });

  it('worse: layers moved the wrong way and none improved', () => {
    const v = trialVerdict({
      finding: sat, baseCause: 'bad_init_scale',
      variant: { diagnosis: diagnosis(vitals(5, { dense_1: { saturated_fraction: 0.99 }, dense_2: { saturated_fraction: 0.4 } })), findings: [], done: true },
    });
    // at step 5 the original was at 0.8 and 0.1
    expect(v.layers.map((l) => [l.before, l.judgement])).toEqual([[0.8, 'unchanged'], [0.1, 'worse']]);
    expect(v.layers[1].beforeBad).toBe(false);
    expect(v.kind).toBe('worse');
  });

  it('a model-level finding compares its value with the variant\'s model vitals', () => {
    const lr = finding({ kind: 'lr_too_high', metric: updates, value: 46, source: 'weights' });
    const ok = trialVerdict({ finding: lr, baseCause: 'lr_too_high', variant: { diagnosis: diagnosis(vitals(40, {}, { update_ratio: 0.004 })), findings: [], done: true } });
    expect(ok.layers).toEqual([{ layer: null, variantLayer: null, before: 46, after: 0.004, beforeBad: true, judgement: 'fixed' }]);
    expect(ok.kind).toBe('gone');
    const still = trialVerdict({ finding: lr, baseCause: 'lr_too_high', variant: { diagnosis: diagnosis(vitals(40, {}, { update_ratio: 4.6 }), 'lr_too_high'), findings: [lr], done: true } });
    expect(still.kind).toBe('better');
  });

  it('while the variant trains the verdict says "so far", and says nothing before its first numbers', () => {
    const live = trialVerdict({
      finding: sat, baseCause: 'bad_init_scale',
      variant: { diagnosis: diagnosis(vitals(10, { dense_1: { saturated_fraction: 0.05 }, dense_2: { saturated_fraction: 0.1 } })), findings: [], done: false },
    });
    expect(live.kind).toBe('gone');
    expect(live.text).toBe('so far: the symptom went away');
    const early = trialVerdict({ finding: sat, baseCause: 'bad_init_scale', variant: { diagnosis: null, findings: [], done: false } });
    expect(early.kind).toBe('pending');
    expect(early.text).toBe(VERDICT_TEXT.pending);
  });

  it('a finding without a metric (set-up) is judged by its kind in the variant and the cause', () => {
    const setup = finding({ kind: 'inputs_not_scaled', step: -1, source: 'setup' });
    const base = { finding: setup, baseCause: 'inputs_not_scaled' as const };
    expect(trialVerdict({ ...base, variant: { diagnosis: diagnosis(vitals(30, {})), findings: [], done: true } }).kind).toBe('gone');
    expect(trialVerdict({ ...base, variant: { diagnosis: diagnosis(vitals(30, {}), 'inputs_not_scaled'), findings: [], done: true } }).kind).toBe('better');
    expect(trialVerdict({ ...base, variant: { diagnosis: diagnosis(vitals(30, {})), findings: [setup], done: true } }).kind).toBe('still');
    expect(trialVerdict({ ...base, variant: { diagnosis: null, findings: [], done: false } }).kind).toBe('pending');
    expect(trialVerdict({ ...base, variant: { diagnosis: null, findings: [], done: true } }).basis).toBe('finding');
  });

  it('compares the same layers when the remedy renamed them (batch norm inserted before them)', () => {
    const specOf = (input: RunSpecInput): RunSpec => { const r = validateSpec(input); if (!r.ok) throw new Error(r.issues[0].message); return r.spec; };
    const base = specOf({
      name: 'deep-tanh', data: { train: { type: 'synthetic', name: 'blobs', samples: 100, classes: 3, features: 4 } },
      model: { layers: [{ type: 'dense', units: 8, activation: 'tanh' }, { type: 'dense', units: 8, activation: 'tanh' }, { type: 'dense', units: 3, activation: 'softmax' }] },
      training: { epochs: 20 },
    });
    const variant = applyFix(base, 'batchnorm');
    const map = layerMapOf(base, variant);
    expect([...map]).toEqual([['dense_1', 'dense_1'], ['dense_2', 'dense_3'], ['dense_3', 'dense_5']]);
    const v = trialVerdict({
      finding: sat, baseCause: 'bad_init_scale', layerMap: map,
      variant: { diagnosis: diagnosis(vitals(25, { dense_1: { saturated_fraction: 0.05 }, dense_2: { saturated_fraction: 0.99 }, dense_3: { saturated_fraction: 0.1 } })), findings: [], done: true },
    });
    expect(v.layers.map((l) => [l.layer, l.variantLayer, l.after])).toEqual([['dense_1', 'dense_1', 0.05], ['dense_2', 'dense_3', 0.1]]);
    expect(v.kind).toBe('gone');
    // A layer inserted before the output (more capacity) is skipped, not matched to the output.
    const wide = specOf({ ...base, model: { layers: [{ type: 'dense', units: 3, activation: 'softmax' }] } } as RunSpecInput);
    expect([...layerMapOf(wide, applyFix(wide, 'more_capacity'))]).toEqual([['dense_1', 'dense_2']]);
  });

  it('the adopted spec is the variant\'s, trained as long as the original', () => {
    const variant = { name: 'x-lower-lr', training: { epochs: 2, optimizer: { type: 'sgd', learningRate: 0.5 } } } as unknown as RunSpec;
    const s = adoptedSpec(variant, { training: { epochs: 30 } } as RunSpec);
    expect(s.training.epochs).toBe(30);
    expect(s.training.optimizer.learningRate).toBe(0.5);
    expect(s.name).toBe('x-lower-lr');
    expect(variant.training.epochs).toBe(2); // the variant run's own spec is left as it was
  });
});
