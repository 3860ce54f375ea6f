// Runs a folder of specs (healthy ones and ones broken on purpose) and scores the diagnosis:
// - recall: each broken spec gets its expected findings within its first two epochs;
// - false alarms: warnings or errors on healthy specs;
// - cause top-1: the named cause is the expected root cause;
// - contradictions: advice that contradicts the spec or another finding (consistency.ts);
// - groups: how many warning/error groups a broken run shows (noise).
// expected.json maps each spec to { cause, findings, status? }; a healthy spec has cause null.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { validateSpec } from '../../../shared/spec.ts';
import type { RunEndEvent } from '../../../shared/events.ts';
import type { Finding, FindingKind } from '../../../shared/diagnosis/finding.ts';
import type { CauseKind, Diagnosis } from '../../../shared/diagnosis/diagnosis.ts';
import { Trainer } from '../train/trainer.ts';
import type { BackendChoice } from '../backends/select.ts';
import { contradictions, type Contradiction } from './consistency.ts';
import { median } from './format.ts';

export interface Expected { cause: CauseKind | null; findings: FindingKind[]; status?: RunEndEvent['status'] }

export interface SuiteCase {
  name: string;
  expected: Expected;
  findings: Finding[];
  diagnosis: Diagnosis | null;
  status: RunEndEvent['status'];
  found: FindingKind[];
  missing: FindingKind[];
  falseAlarms: Finding[];
  contradictions: Contradiction[];
  /** warning and error groups */
  groups: number;
}

export function loadExpected(dir: string): Record<string, Expected> {
  return JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<string, Expected>;
}

export async function runSuiteCase(dir: string, name: string, expected: Expected, backend: BackendChoice = 'cpu'): Promise<SuiteCase> {
  const v = validateSpec(JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')));
  if (!v.ok) throw new Error(`${name}.json: ${v.issues[0].path}: ${v.issues[0].message}`);
  const spec = { ...v.spec, training: { ...v.spec.training, epochs: Math.min(2, v.spec.training.epochs) } };
  const trainer = new Trainer({ spec, baseDir: dir, backend });
  const byId = new Map<string, Finding>();
  let diagnosis: Diagnosis | null = null;
  trainer.on((e) => {
    if (e.type === 'finding') byId.set(e.finding.id, e.finding);
    if (e.type === 'diagnosis') diagnosis = e.diagnosis;
  });
  const end = await trainer.run();
  trainer.built.model.dispose();
  const findings = [...byId.values()];
  const kinds = new Set(findings.map((f) => f.kind));
  const found = expected.findings.filter((k) => kinds.has(k));
  // Healthy specs may get information, never a warning or an error.
  const healthy = expected.cause === null && expected.findings.length === 0;
  const falseAlarms = healthy ? findings.filter((f) => f.severity !== 'info') : [];
  return {
    name, expected, findings, diagnosis, status: end.status, found, missing: expected.findings.filter((k) => !kinds.has(k)), falseAlarms,
    contradictions: contradictions(spec, findings, diagnosis), groups: findings.filter((f) => f.severity !== 'info').length,
  };
}

export async function runSuite(dir: string, backend: BackendChoice = 'cpu', onCase?: (c: SuiteCase) => void) {
  const expected = loadExpected(dir);
  const names = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'expected.json').map((f) => f.replace(/\.json$/, ''));
  const cases: SuiteCase[] = [];
  for (const name of names.sort()) {
    if (!expected[name]) throw new Error(`${name}.json has no entry in expected.json`);
    const c = await runSuiteCase(dir, name, expected[name], backend);
    cases.push(c);
    onCase?.(c);
  }
  const wanted = cases.reduce((a, c) => a + c.expected.findings.length, 0);
  const hit = cases.reduce((a, c) => a + c.found.length, 0);
  const healthy = cases.filter((c) => c.expected.cause === null);
  const broken = cases.filter((c) => c.expected.cause !== null);
  return {
    cases,
    recall: wanted ? hit / wanted : 1,
    /** warnings and errors on healthy specs, per healthy spec */
    falseAlarms: healthy.length ? healthy.reduce((a, c) => a + c.falseAlarms.length, 0) / healthy.length : 0,
    /** broken specs whose named cause is the expected root cause */
    causeTop1: broken.length ? broken.filter((c) => c.diagnosis?.cause?.kind === c.expected.cause).length / broken.length : 1,
    contradictions: cases.reduce((a, c) => a + c.contradictions.length, 0),
    groupsMedian: median(broken.map((c) => c.groups)),
  };
}
