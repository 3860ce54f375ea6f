// What the Overview shows of a run's diagnosis: the cause and the findings it explains, the
// findings that stand on their own, and which finding a fix of the cause is judged against. Pure.
import type { Finding, FixId } from '../../../shared/diagnosis/finding.ts';
import type { Cause, Diagnosis } from '../../../shared/diagnosis/diagnosis.ts';

const ORDER = { error: 0, warning: 1, info: 2 } as const;

/** Errors first, then by when they were seen. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || a.step - b.step);
}

/** The symptoms the cause explains, in the order of its chain. */
export function explainedFindings(findings: Finding[], d: Diagnosis | null): Finding[] {
  const c = d?.cause;
  if (!c) return [];
  const rank = (f: Finding) => { const i = c.chain.indexOf(f.kind); return i < 0 ? c.chain.length : i; };
  return sortFindings(findings.filter((f) => c.explains.includes(f.kind))).sort((a, b) => rank(a) - rank(b));
}

/** The findings no cause explains: listed on their own. */
export function otherFindings(findings: Finding[], d: Diagnosis | null): Finding[] {
  const explains = d?.cause?.explains ?? [];
  return sortFindings(findings.filter((f) => !explains.includes(f.kind)));
}

export type CauseState = 'cause' | 'watching' | 'healthy' | 'unexplained';

/**
 * What the top of Overview says: the cause; "watching..." while a run trains with none named;
 * "no problems found" for a run that ended without a warning; otherwise its findings stand alone.
 */
export function causeState(d: Diagnosis | null, findings: Finding[], ended: boolean): CauseState {
  if (d?.cause) return 'cause';
  if (!ended) return 'watching';
  return findings.some((f) => f.severity !== 'info') ? 'unexplained' : 'healthy';
}

/**
 * The finding a fix of the cause is judged against: the finding of the cause's own kind (lr_too_high),
 * else the first explained symptom whose remedies include the fix, else the first with a metric,
 * else the first explained one. Null when the cause explains no finding on screen.
 */
export function findingForFix(cause: Cause, findings: Finding[], fix: FixId): Finding | null {
  const explained = findings.filter((f) => cause.explains.includes(f.kind) || f.kind === cause.kind);
  const rank = (f: Finding) => { const i = cause.chain.indexOf(f.kind); return i < 0 ? cause.chain.length : i; };
  const inChain = [...explained].sort((a, b) => rank(a) - rank(b));
  return inChain.find((f) => f.kind === cause.kind)
    ?? inChain.find((f) => f.metric && f.remedies.some((r) => r.fix === fix))
    ?? inChain.find((f) => f.metric)
    ?? inChain[0]
    ?? null;
}

/** The numbers behind the cause: the first (triggering) line of each explained finding's evidence. */
export function causeEvidence(cause: Cause, findings: Finding[], max = 4): string[] {
  const lines = explainedFindings(findings, { cause, groups: [], vitals: null }).map((f) => f.evidence[0]).filter((e): e is string => !!e);
  return [...new Set(lines)].slice(0, max);
}
