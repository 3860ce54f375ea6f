// Held-out copies of the diagnosis suite: the same broken set-ups with another seed, dataset shape,
// width and batch size. The rules were tuned on the suite; these say how far that tuning carries
// (`diagnosis_cause_top1_holdout` in `npm run bench`). A case whose symptom does not show within two
// epochs of its copy (an overfit that needs longer) counts as a miss: it is what a user would get.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSuite } from '../main/engine/diagnosis/suite.ts';

interface Variant { seed: number; blobs: { features: number; classes: number; samples?: number }; width: number; batch: number }
export const VARIANTS: Variant[] = [
  { seed: 11, blobs: { features: 12, classes: 5 }, width: 1.5, batch: 1 },
  { seed: 23, blobs: { features: 6, classes: 3, samples: 1500 }, width: 1, batch: 0.5 },
];

// (specs as plain JSON: the perturbation reads and writes fields of every layer type)
type Json = Record<string, any>;

export function perturb(spec: Json, v: Variant): Json {
  const s = structuredClone(spec);
  s.seed = v.seed;
  s.name = `${s.name}-holdout-${v.seed}`;
  const t = s.data.train;
  const dense = (s.model.layers as Json[]).filter((l) => l.type === 'dense');
  if (t.type === 'synthetic' && t.name === 'blobs') {
    const classes = t.classes ?? 2;
    Object.assign(t, v.blobs);
    if (dense.at(-1)!.units === classes) dense.at(-1)!.units = v.blobs.classes;
  }
  for (const l of dense.slice(0, -1)) if (l.units >= 32) l.units = Math.round(l.units * v.width);
  if (s.training.batchSize >= 16) s.training.batchSize = Math.round(s.training.batchSize * v.batch);
  return s;
}

export async function benchDiagnosisHoldout(suiteDir: string) {
  const expected = JSON.parse(readFileSync(join(suiteDir, 'expected.json'), 'utf8')) as Record<string, unknown>;
  const scores: number[] = [];
  let falseAlarms = 0, healthy = 0;
  for (const v of VARIANTS) {
    const dir = join(tmpdir(), `trainscope-holdout-${v.seed}-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    for (const f of readdirSync(suiteDir)) if (f.endsWith('.csv')) copyFileSync(join(suiteDir, f), join(dir, f));
    for (const name of Object.keys(expected)) writeFileSync(join(dir, `${name}.json`), JSON.stringify(perturb(JSON.parse(readFileSync(join(suiteDir, `${name}.json`), 'utf8')), v)));
    writeFileSync(join(dir, 'expected.json'), JSON.stringify(expected));
    process.stderr.write(`diagnosis hold-out (seed ${v.seed})...\n`);
    const r = await runSuite(dir, 'cpu', (c) => {
      const cause = c.diagnosis?.cause?.kind ?? null;
      if (cause !== c.expected.cause) process.stderr.write(`  ${c.name}: cause ${cause}, expected ${c.expected.cause}\n`);
      if (c.falseAlarms.length) process.stderr.write(`  ${c.name}: false alarm(s): ${c.falseAlarms.map((f) => f.title).join('; ')}\n`);
    });
    scores.push(r.causeTop1);
    for (const c of r.cases) if (c.expected.cause === null && c.expected.findings.length === 0) { healthy++; falseAlarms += c.falseAlarms.length; }
  }
  return {
    diagnosis_cause_top1_holdout: scores.reduce((a, b) => a + b, 0) / scores.length,
    /** warnings and errors on the held-out copies of the healthy specs, per healthy spec */
    diagnosis_false_alarms_holdout: healthy ? falseAlarms / healthy : 0,
  };
}
