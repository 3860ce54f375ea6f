// Records the event logs the diagnosis rule tests replay (tests/engine/diagnosis/rules.test.ts):
// real training runs of suite specs, written as a run folder writes them (NaN and Infinity as
// strings), without the per-sample predictions the diagnosis does not read.
// Run: npx tsx scripts/record-diagnosis-fixtures.ts [name...]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateSpec } from '../shared/spec.ts';
import { stringifyJson } from '../shared/json-number.ts';
import type { RunEvent } from '../shared/events.ts';
import { Trainer } from '../main/engine/train/trainer.ts';

const DIR = join(import.meta.dirname, '..', 'tests', 'fixtures', 'diagnosis');
export const RECORDED = ['hidden-relu-sgd-lr5', 'hidden-tanh-adam-lr5', 'hidden-negative-bias', 'hidden-softmax-lr1e3', 'nan-loss', 'vanishing-deep-sigmoid', 'inputs-not-scaled', 'hidden-lr-too-low-deep', 'healthy-relu-he',
  'hidden-big-init-deep-tanh', 'hidden-unscaled-sigmoid', 'hidden-sigmoid-output-cce', 'hidden-heavy-dropout', 'underfitting-linear-spirals',
  'hidden-schedule-grows', 'hidden-schedule-decays', 'healthy-sigmoid-output'];

for (const name of process.argv.slice(2).length ? process.argv.slice(2) : RECORDED) {
  const v = validateSpec(JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')));
  if (!v.ok) throw new Error(`${name}: ${v.issues[0].message}`);
  const t = new Trainer({ spec: v.spec, baseDir: DIR, backend: 'cpu' });
  const lines: string[] = [];
  t.on((e: RunEvent) => { if (e.type !== 'predictions' && e.type !== 'samples') lines.push(stringifyJson(e)); });
  await t.run();
  t.built.model.dispose();
  writeFileSync(join(DIR, 'recorded', `${name}.jsonl`), `${lines.join('\n')}\n`);
  process.stderr.write(`${name}: ${lines.length} events\n`);
}
