// The data audit's result in words: the one-line verdict, and the label swaps the noise matrix
// estimates most often.
import { auditModelsWeak, weakModelsNote, type AuditResult } from '../../../../shared/tools/audit/definition.ts';
import type { Verdict } from '../framework/tool.ts';

export function auditVerdict(r: AuditResult): Verdict {
  if (auditModelsWeak(r)) return { ok: null, text: weakModelsNote(r) };
  const share = r.labelIssues.flagged / Math.max(1, r.n);
  const text = `${r.labelIssues.flagged.toLocaleString('en')} of ${r.n.toLocaleString('en')} training labels look wrong (${(share * 100).toFixed(1)}%)`;
  // (a percent or two of flags is what a clean split and an imperfect model give: news only above that)
  return { ok: share <= 0.02 ? true : share > 0.05 ? false : null, text };
}

/** "4.1% of shirt labelled t-shirt", the largest off-diagonal cells of P(given | true). */
export function auditSwaps(r: AuditResult, max: number): string[] {
  const name = (c: number) => r.classNames?.[c] ?? String(c);
  return r.labelIssues.noiseMatrix
    .flatMap((row, given) => row.map((v, truth) => ({ given, truth, v })))
    .filter((c) => c.given !== c.truth && c.v > 0)
    .sort((a, b) => b.v - a.v)
    .slice(0, max)
    .map((c) => `${(c.v * 100).toFixed(1)}% of ${name(c.truth)} labelled ${name(c.given)}`);
}
