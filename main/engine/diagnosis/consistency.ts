// The diagnosis's advice, checked against the run it is about: every piece of advice is a claim,
// and these are the ways it can be wrong on its face. Written apart from the rules that produce
// the advice (remedies.ts), so the suite and the benchmark can count what slips through.
import type { RunSpec } from '../../../shared/spec.ts';
import type { Finding, FixId } from '../../../shared/diagnosis/finding.ts';
import type { Diagnosis } from '../../../shared/diagnosis/diagnosis.ts';
import { applyFix } from '../../../shared/diagnosis/fixes.ts';
import { initializerFor, layerName } from '../../../shared/layers.ts';
import { fmt, pct } from './format.ts';

export interface Contradiction { where: string; why: string }

const sameSpec = (a: RunSpec, b: RunSpec) => JSON.stringify({ ...a, name: '' }) === JSON.stringify({ ...b, name: '' });

/** Every contradiction between the advice, the spec it is about, and the other findings. */
export function contradictions(spec: RunSpec, findings: Finding[], diagnosis: Diagnosis | null): Contradiction[] {
  const out: Contradiction[] = [];
  const kinds = new Set(findings.map((f) => f.kind));
  const tooHigh = kinds.has('lr_too_high') || kinds.has('exploding_gradients');
  const explained = kinds.has('dead_units') || kinds.has('saturated_units') || kinds.has('vanishing_gradients');
  const activationOf = new Map(spec.model.layers.map((l, i) => [layerName(l, i), 'activation' in l ? l.activation : null]));
  const offers: { where: string; fix: FixId; layers: string[] }[] = [];
  for (const f of findings) for (const r of f.remedies) if (r.fix) offers.push({ where: `${f.kind} (${f.title})`, fix: r.fix, layers: f.layers });
  const cause = diagnosis?.cause;
  if (cause) for (const r of cause.remedies) if (r.fix) offers.push({ where: `cause ${cause.kind}`, fix: r.fix, layers: cause.layers });

  for (const o of offers) {
    if (sameSpec(applyFix(spec, o.fix, o.layers.length ? { layers: o.layers } : undefined), spec)) out.push({ where: o.where, why: `offers ${o.fix}, which changes nothing in this spec` });
    if (o.fix === 'raise_lr' && tooHigh) out.push({ where: o.where, why: 'offers a higher learning rate in a run that showed it too high' });
    if (o.fix === 'raise_lr' && explained) out.push({ where: o.where, why: 'offers a higher learning rate where dead/saturated units or vanishing gradients explain the small updates' });
    if (o.fix === 'adam' && ['adam', 'nadam', 'adamax', 'rmsprop', 'adagrad'].includes(spec.training.optimizer.type)) out.push({ where: o.where, why: `offers Adam to a run with an adaptive optimiser (${spec.training.optimizer.type})` });
    if ((o.fix === 'leaky_relu' || o.fix === 'he_init' || o.fix === 'glorot_init' || o.fix === 'zero_bias') && o.layers.length) {
      const changed = applyFix(spec, o.fix, { layers: o.layers });
      const touched = changed.model.layers.some((l, i) => o.layers.includes(layerName(l, i)) && JSON.stringify(l) !== JSON.stringify(spec.model.layers[i]));
      if (!touched && o.fix !== 'glorot_init') out.push({ where: o.where, why: `offers ${o.fix}, which changes none of the layers it is about (${o.layers.join(', ')})` });
    }
    if (o.fix === 'standardize_inputs' && spec.data.normalize === 'standardize') out.push({ where: o.where, why: 'offers standardising to standardised inputs' });
    const acts = o.layers.map((l) => activationOf.get(l)).filter((a): a is NonNullable<typeof a> => !!a);
    if (o.fix === 'he_init' && acts.length && !acts.some((a) => initializerFor(a) === 'he')) out.push({ where: o.where, why: 'offers He initialisation for layers without ReLU-family units' });
    if (o.fix === 'lecun_init' && !spec.model.layers.some((l) => 'activation' in l && l.activation === 'selu')) out.push({ where: o.where, why: 'offers LeCun initialisation to a model without SELU layers' });
  }
  const fixes = new Set(offers.map((o) => o.fix));
  if (fixes.has('raise_lr') && fixes.has('lower_lr')) out.push({ where: 'run', why: 'advises both a higher and a lower learning rate' });
  if (cause?.kind === 'lr_too_low' && tooHigh) out.push({ where: 'cause', why: 'names a learning rate too low in a run that showed it too high' });
  if (cause && cause.kind !== 'lr_too_high' && cause.kind !== 'inputs_not_scaled' && cause.kind !== 'output_loss_mismatch' && kinds.has('lr_too_high') && cause.remedies.some((r) => r.fix === 'raise_lr')) out.push({ where: 'cause', why: 'suggests raising a learning rate that was too high' });
  // a title agrees with the number that triggered it, and the first evidence line states it
  for (const f of findings) {
    if (f.value === undefined || !f.metric || !Number.isFinite(f.value)) continue;
    const shown = f.metric.format === 'pct' ? pct(f.value) : fmt(f.value);
    if (!f.title.includes(shown) && !(f.metric.id === 'activation_std')) out.push({ where: f.kind, why: `title "${f.title}" does not state its value ${shown}` });
    if (!f.evidence[0]?.includes(shown)) out.push({ where: f.kind, why: `first evidence line does not state the value ${shown}` });
  }
  return out;
}
