// The verdict of a fix trial: did the remedy remove the symptom it was tried against? It compares
// the same metric on the same layers in the original run and in the variant, at the variant's
// latest collection, and asks whether the original cause is still the variant's cause. Pure: the
// Trial panel shows it, the unit tests pin it.
import type { Finding, LayerEvidence, Metric } from '../../../shared/diagnosis/finding.ts';
import type { CauseKind, Diagnosis } from '../../../shared/diagnosis/diagnosis.ts';
import type { RunSpec } from '../../../shared/spec.ts';
import { layerName } from '../../../shared/layers.ts';

/** How one layer (or the whole model) moved between the original and the variant. */
export type Judgement = 'fixed' | 'improved' | 'unchanged' | 'worse' | 'unknown';

export interface LayerComparison {
  /** the original's layer name; null for a model-level metric */
  layer: string | null;
  /** the same layer's name in the variant (a remedy that inserts layers renames those after it) */
  variantLayer: string | null;
  before: number;
  after: number | null;
  /** the original was on the bad side of the threshold at that step (false: not yet, or no threshold) */
  beforeBad: boolean;
  judgement: Judgement;
}

export type VerdictKind = 'gone' | 'better' | 'still' | 'worse' | 'pending';

export const VERDICT_TEXT: Record<VerdictKind, string> = {
  gone: 'the symptom went away',
  better: 'better, not gone',
  still: 'the symptom is still there',
  worse: 'worse',
  pending: 'not seen so far...',
};

export interface Verdict {
  kind: VerdictKind;
  /** what the panel says: exactly VERDICT_TEXT[kind], prefixed with "so far: " while the variant trains */
  text: string;
  /** 'metric': judged on the finding's metric per layer; 'finding': on the finding kind and the cause (no metric) */
  basis: 'metric' | 'finding';
  metric: Metric | null;
  /** the step of the variant's numbers the comparison is made at */
  step: number | null;
  layers: LayerComparison[];
  /** the original run's cause is still the variant's cause */
  causeStill: boolean;
  baseCause: CauseKind | null;
  variantCause: CauseKind | null;
  /** the finding's kind is among the variant's findings */
  kindStill: boolean;
}

export interface TrialInput {
  /** the finding the remedy was tried against (the original run's latest version of it) */
  finding: Finding;
  /** the original run's cause when the trial started */
  baseCause: CauseKind | null;
  variant: { diagnosis: Diagnosis | null; findings: Finding[]; done: boolean };
  /** original layer name -> the variant's; missing names map to themselves */
  layerMap?: Map<string, string>;
}

/** A relative move of at least this much counts as improved (or worse). */
export const MARGIN = 0.25;

/** The value is on the bad side of the metric's threshold (a band's threshold t bounds [1/t, t]). */
export function isBad(m: Pick<Metric, 'better' | 'threshold'>, v: number): boolean {
  if (!Number.isFinite(v)) return true;
  const t = m.threshold;
  if (t === null) return false;
  if (m.better === 'low') return v > t;
  if (m.better === 'high') return v < t;
  const hi = Math.max(t, 1 / t), lo = Math.min(t, 1 / t);
  return v > hi || v < lo;
}

/** How far from good a value is, in the metric's own direction: larger is worse. */
function badness(m: Pick<Metric, 'better'>, v: number): number {
  if (!Number.isFinite(v)) return Infinity;
  if (m.better === 'low') return v;
  if (m.better === 'high') return v > 0 ? 1 / v : Infinity;
  return v > 0 ? Math.abs(Math.log(v)) : Infinity;
}

/** One layer's judgement from its before and after values. */
export function judge(m: Pick<Metric, 'better' | 'threshold'>, before: number, after: number | null | undefined): Judgement {
  if (after === null || after === undefined || Number.isNaN(before)) return 'unknown';
  if (!Number.isFinite(after) || Number.isNaN(after)) return 'worse';
  if (m.threshold !== null && !isBad(m, after)) return 'fixed';
  const b = badness(m, before), a = badness(m, after);
  if (!Number.isFinite(b)) return 'improved'; // a non-finite original, a finite variant
  if (a < b && a <= (1 - MARGIN) * b) return 'improved';
  if (a * (1 - MARGIN) >= b && a > b) return 'worse';
  return 'unchanged';
}

/** The series value at the latest step at or before `step` (the first value when all come later). */
export function valueAt(e: Pick<LayerEvidence, 'value' | 'series' | 'seriesSteps'>, step: number | null): number {
  if (!e.series?.length) return e.value;
  if (step === null) return e.series[e.series.length - 1];
  let k = 0;
  for (let i = 0; i < e.seriesSteps.length && i < e.series.length; i++) if (e.seriesSteps[i] <= step) k = i;
  return e.series[k];
}

/** Judges a trial: per layer (or model-level) on the finding's metric, plus whether the cause changed. */
export function trialVerdict({ finding, baseCause, variant, layerMap }: TrialInput): Verdict {
  const variantCause = variant.diagnosis?.cause?.kind ?? null;
  // With no cause named in the original, nothing of it can remain.
  const causeStill = baseCause !== null && variantCause === baseCause;
  const kindStill = variant.findings.some((f) => f.kind === finding.kind);
  const vitals = variant.diagnosis?.vitals ?? null;
  const metric = finding.metric ?? null;
  const common = { metric, causeStill, baseCause, variantCause, kindStill };
  const done = (kind: VerdictKind) => ({ kind, text: variant.done || kind === 'pending' ? VERDICT_TEXT[kind] : `so far: ${VERDICT_TEXT[kind]}` });

  if (!metric || !vitals) {
    // No metric (a set-up finding) or no numbers from the variant: the finding kind and the cause decide.
    const kind: VerdictKind = kindStill ? 'still' : !variant.done ? 'pending' : causeStill ? 'better' : 'gone';
    return { ...done(kind), basis: 'finding', step: vitals?.step ?? null, layers: [], ...common };
  }

  const per = finding.perLayer ?? [];
  const layers: LayerComparison[] = per.length
    ? per.map((e) => {
      const variantLayer = layerMap?.get(e.layer) ?? e.layer;
      const before = valueAt(e, vitals.step);
      const after = vitals.layers[variantLayer]?.[metric.id] ?? null;
      return { layer: e.layer, variantLayer, before, after, beforeBad: isBad(metric, before) && metric.threshold !== null, judgement: judge(metric, before, after) };
    })
    : (() => {
      const before = finding.value ?? NaN;
      const after = vitals.model[metric.id] ?? null;
      return [{ layer: null, variantLayer: null, before, after, beforeBad: isBad(metric, before) && metric.threshold !== null, judgement: judge(metric, before, after) }];
    })();

  const known = layers.filter((l) => l.judgement !== 'unknown');
  let kind: VerdictKind;
  if (!known.length) kind = variant.done ? (kindStill ? 'still' : causeStill ? 'better' : 'gone') : 'pending';
  else if (known.length === layers.length && known.every((l) => l.judgement === 'fixed') && !causeStill) kind = 'gone';
  else if (known.some((l) => l.judgement === 'fixed' || l.judgement === 'improved')) kind = 'better';
  else if (known.some((l) => l.judgement === 'worse')) kind = 'worse';
  else kind = 'still';
  return { ...done(kind), basis: known.length ? 'metric' : 'finding', step: vitals.step, layers, ...common };
}

/** A verdict a user may adopt: the variant fixed or improved the symptom. */
export function worthApplying(v: Verdict): boolean {
  return v.kind === 'gone' || v.kind === 'better';
}

/**
 * Original layer names to the variant's. Names follow positions (`dense_3`), so a remedy that
 * inserts layers (batch norm, dropout) renames the ones after it: the layers are aligned by type
 * (and activation, as a tie-break), like a diff.
 */
export function layerMapOf(base: Pick<RunSpec, 'model'>, variant: Pick<RunSpec, 'model'>): Map<string, string> {
  const a = base.model.layers, b = variant.model.layers;
  const map = new Map<string, string>();
  if (a.length === b.length) {
    a.forEach((l, i) => map.set(layerName(l, i), layerName(b[i], i)));
    return map;
  }
  const act = (l: unknown) => (l as { activation?: string }).activation;
  const score = (i: number, j: number) => (a[i].type !== b[j].type ? -1 : 2 + (act(a[i]) === act(b[j]) ? 1 : 0));
  // best[i][j]: the best alignment score of a[i..] with b[j..]
  const best = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const s = score(i, j);
      best[i][j] = Math.max(best[i + 1][j], best[i][j + 1], s > 0 ? s + best[i + 1][j + 1] : -Infinity);
    }
  }
  let i = 0, j = 0;
  while (i < a.length && j < b.length) {
    const s = score(i, j);
    if (s > 0 && best[i][j] === s + best[i + 1][j + 1]) { map.set(layerName(a[i], i), layerName(b[j], j)); i++; j++; }
    else if (best[i][j] === best[i][j + 1]) j++;
    else i++;
  }
  return map;
}

/** The spec to adopt from a variant that worked: the variant's own, trained as long as the original. */
export function adoptedSpec(variant: RunSpec, original: Pick<RunSpec, 'training'>): RunSpec {
  const s = structuredClone(variant);
  s.training = { ...s.training, epochs: original.training.epochs };
  return s;
}
