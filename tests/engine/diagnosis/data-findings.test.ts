// The data checks before training, as the diagnosis reports them: test rows that repeat training
// rows, identical inputs with different labels, and a column that gives the label away, each a
// set-up finding with its numbers; clean data gets none of them.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../../../shared/random.ts';
import { ofType, spec, tmp, trainAll } from '../../helpers.ts';

/** `n` rows of 4 noisy features over 3 overlapping classes; `leak` adds a column that is the label plus a little noise. */
function rows(n: number, seed: number, leak = false): string[] {
  const next = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const c = Math.floor(next() * 3);
    const x = [0, 1, 2, 3].map((f) => (f === c ? 1 : 0) + (next() - 0.5) * 2.5);
    if (leak) x.push(c * 10 + next());
    return `${x.map((v) => v.toFixed(5)).join(',')},${c}`;
  });
}

async function findings(train: string[], test: string[], leak = false) {
  const d = tmp();
  const header = `${leak ? 'a,b,c,d,e' : 'a,b,c,d'},label`;
  writeFileSync(join(d, 'train.csv'), `${header}\n${train.join('\n')}\n`);
  writeFileSync(join(d, 'test.csv'), `${header}\n${test.join('\n')}\n`);
  const s = spec({
    name: 'data-checks', seed: 2,
    data: { train: { type: 'csv', path: join(d, 'train.csv'), label: 'label' }, test: { type: 'csv', path: join(d, 'test.csv'), label: 'label' }, validation: 0.2 },
    model: { layers: [{ type: 'dense', units: 8, activation: 'relu' }, { type: 'dense', units: 3, activation: 'softmax' }] },
    training: { epochs: 1, batchSize: 32 },
  });
  const { events } = await trainAll(s);
  const start = ofType(events, 'run-start')[0];
  return { audit: start.data.audit!, found: new Map(ofType(events, 'finding').map((e) => [e.finding.kind, e.finding])) };
}

describe('data findings before training', () => {
  it('clean data: none of the data findings', async () => {
    const { audit, found } = await findings(rows(400, 1), rows(100, 2));
    expect(audit).toMatchObject({ validationInTrain: 0, testInTrain: 0, conflictingLabels: 0, leaks: [] });
    for (const k of ['data_overlap', 'conflicting_labels', 'label_leak', 'split_class_mix']) expect(found.has(k as never), k).toBe(false);
    expect(audit.heldOutClasses!.test!.reduce((a, b) => a + b, 0)).toBe(100);
  }, 60_000);

  it('a test set drawn mostly from one class: its class mix against training\'s, as information', async () => {
    const pool = rows(600, 4);
    const test = [...pool.filter((r) => r.endsWith(',0')).slice(0, 90), ...pool.filter((r) => r.endsWith(',1')).slice(0, 10)];
    const { audit, found } = await findings(rows(400, 1), test);
    expect(audit.heldOutClasses!.test).toEqual([90, 10, 0]);
    const f = found.get('split_class_mix')!;
    expect(f.severity).toBe('info');
    expect(f.source).toBe('setup');
    expect(f.evidence.some((e) => /^test: the class mix is \d+% away from training's \(total variation\); class 0 is 90% of it and \d+% of training; no samples of 2$/.test(e))).toBe(true);
    expect(f.evidence.some((e) => e.startsWith('validation'))).toBe(false); // (the validation split is carved from training: the same mix)
  }, 60_000);

  it('test rows copied from training: the share of the test set, as a warning', async () => {
    const train = rows(400, 1);
    // 10 of 100 test rows are training rows (the validation split is carved from the training file: some of these land there)
    const test = [...rows(90, 2), ...train.slice(0, 10)];
    const { audit, found } = await findings(train, test);
    expect(audit.testInTrain + audit.validationInTrain).toBeGreaterThan(0);
    const f = found.get('data_overlap')!;
    expect(f.severity).toBe('warning');
    expect(f.source).toBe('setup');
    expect(f.title).toMatch(/of the (test|validation) set \(\d+ of \d+\) repeats training samples/);
    expect(audit.testInTrain).toBeGreaterThanOrEqual(1);
    expect(f.evidence.some((e) => new RegExp(`^${audit.testInTrain} of the 100 test samples are identical to a training sample`).test(e))).toBe(true);
  }, 60_000);

  it('identical inputs with different labels, and a column that is the label in disguise', async () => {
    const train = rows(400, 3);
    const [x] = train[5].split(/,(?=[^,]*$)/);
    train.push(`${x},${(Number(train[5].split(',').at(-1)) + 1) % 3}`); // the same input, another label
    const { found } = await findings(train, rows(100, 4));
    expect(found.get('conflicting_labels')!.title).toMatch(/^1 group\(s\) of identical inputs carry different labels/);
    const leak = await findings(rows(400, 5, true), rows(100, 6, true), true);
    const f = leak.found.get('label_leak')!;
    expect(f.title).toMatch(/^Column "e" alone predicts the label \(100% against 3\d% by guessing the largest class\)/);
    expect(leak.audit.leaks.map((l) => [l.feature, l.name])).toEqual([[4, 'e']]);
    expect(f.evidence[0]).toMatch(/^column "e": its value alone gives the label for 100% of the training samples/);
  }, 60_000);
});
