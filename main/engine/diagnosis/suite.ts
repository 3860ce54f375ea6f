// Runs a folder of specs (healthy ones and ones broken on purpose) and scores the diagnosis:
// recall (each broken spec gets its expected finding within its first two epochs) and false
// alarms (warnings or errors on healthy specs, or unexpected kinds on broken ones).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { validateSpec } from '../../../shared/spec.ts';
import type { Finding, FindingKind } from '../../../shared/diagnosis/finding.ts';
import { Trainer } from '../train/trainer.ts';
import type { BackendChoice } from '../backends/select.ts';

export interface SuiteCase { name: string; expected: FindingKind[]; findings: Finding[]; found: FindingKind[]; missing: FindingKind[]; falseAlarms: Finding[] }

export async function runSuiteCase(dir: string, name: string, expected: FindingKind[], backend: BackendChoice = 'cpu'): Promise<SuiteCase> {
  const v = validateSpec(JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')));
  if (!v.ok) throw new Error(`${name}.json: ${v.issues[0].path}: ${v.issues[0].message}`);
  const spec = { ...v.spec, training: { ...v.spec.training, epochs: Math.min(2, v.spec.training.epochs) } };
  const trainer = new Trainer({ spec, baseDir: dir, backend });
  const findings: Finding[] = [];
  trainer.on((e) => { if (e.type === 'finding') findings.push(e.finding); });
  await trainer.run();
  trainer.built.model.dispose();
  const kinds = new Set(findings.map((f) => f.kind));
  const found = expected.filter((k) => kinds.has(k));
  // Healthy specs may get information, never a warning or an error.
  const falseAlarms = expected.length === 0 ? findings.filter((f) => f.severity !== 'info') : [];
  return { name, expected, findings, found, missing: expected.filter((k) => !kinds.has(k)), falseAlarms };
}

export async function runSuite(dir: string, backend: BackendChoice = 'cpu', onCase?: (c: SuiteCase) => void) {
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<string, FindingKind[]>;
  const names = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'expected.json').map((f) => f.replace(/\.json$/, ''));
  const cases: SuiteCase[] = [];
  for (const name of names.sort()) {
    const c = await runSuiteCase(dir, name, expected[name] ?? [], backend);
    cases.push(c);
    onCase?.(c);
  }
  const wanted = cases.reduce((a, c) => a + c.expected.length, 0);
  const hit = cases.reduce((a, c) => a + c.found.length, 0);
  const healthy = cases.filter((c) => c.expected.length === 0);
  return {
    cases,
    recall: wanted ? hit / wanted : 1,
    /** warnings and errors on healthy specs, per healthy spec */
    falseAlarms: healthy.length ? healthy.reduce((a, c) => a + c.falseAlarms.length, 0) / healthy.length : 0,
  };
}
