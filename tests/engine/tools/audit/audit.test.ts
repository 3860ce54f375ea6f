// The cross-validated audit of the training labels on a small CSV with planted wrong labels:
// three blobs, a few labels swapped on purpose. Every sample is predicted by a model that never
// saw it, so the planted ones must come out on top of the ranking and be flagged.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crossValidatedAudit, stratifiedFolds } from '../../../../main/engine/tools/audit/cross-validate.ts';
import { auditEngineTool } from '../../../../main/engine/tools/audit/tool.ts';
import { auditModelsWeak, auditTool, weakModelsNote } from '../../../../shared/tools/audit/definition.ts';
import { spawnSync } from 'node:child_process';
import { unpackPredictions } from '../../../../shared/instruments/predictions/packing.ts';
import { base64ToF32 } from '../../../../shared/base64.ts';
import { mulberry32 } from '../../../../shared/random.ts';
import { spec, tmp } from '../../../helpers.ts';

/** 3 well-separated blobs in 4 features; `planted` rows get the next class's label. */
function plantedCsv(dir: string, n: number, planted: Set<number>): string {
  const next = mulberry32(5);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const rows = ['a,b,c,d,label'];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    const x = [0, 1, 2, 3].map((f) => (f === c ? 4 : f === 3 ? 2 * c : 0) + gauss() * 0.7);
    rows.push(`${x.map((v) => v.toFixed(4)).join(',')},${planted.has(i) ? (c + 1) % 3 : c}`);
  }
  const file = join(dir, 'blobs.csv');
  writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

const auditSpec = (file: string) => spec({
  name: 'blobs', seed: 3,
  data: { train: { type: 'csv', path: file, label: 'label' }, validation: 0, test: 0 },
  model: { layers: [{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 3, activation: 'softmax' }] },
  training: { epochs: 12, batchSize: 32, optimizer: { type: 'adam', learningRate: 0.02 } },
});

describe('the data audit', () => {
  it('puts planted wrong labels at the top of the ranking and flags them, every sample predicted out of sample', async () => {
    const dir = tmp();
    const planted = new Set(Array.from({ length: 15 }, (_, j) => 7 + j * 37)); // 15 of 600
    const file = plantedCsv(dir, 600, planted);
    const progress: string[] = [];
    const r = await crossValidatedAudit(auditSpec(file), dir, { backend: 'cpu', folds: 3, show: 100, workers: 1, onProgress: (p) => progress.push(`${p.done}/${p.total} ${p.note}`) });
    expect(auditTool.result.safeParse(r).success).toBe(true);
    expect(r).toMatchObject({ folds: 3, n: 600, classes: 3 });
    expect(r.foldAccuracy).toHaveLength(3);
    // out of sample, a planted label is a wrong prediction: accuracy near 1 - 15/600
    expect(r.accuracy).toBeGreaterThan(0.9);
    expect(r.confusion.flat().reduce((a, b) => a + b, 0)).toBe(600);
    expect(progress.some((p) => /^36\/36 fold 3\/3/.test(p))).toBe(true);
    expect(progress.at(-1)).toMatch(/near twins of the held-out samples/);
    expect(progress.some((p) => /about \d+ s left/.test(p))).toBe(true);

    const s = r.samples;
    expect(s.indices).toHaveLength(100);
    const p = unpackPredictions(base64ToF32(s.predictions), s.indices.length, s.k);
    // the ranking by self-confidence: the 15 lowest p(given) are (nearly) the planted ones
    const byP = s.indices.map((index, j) => ({ index, p: p.pGiven[j] })).sort((a, b) => a.p - b.p);
    const top = byP.slice(0, 15).filter((e) => planted.has(e.index)).length;
    expect(top).toBeGreaterThanOrEqual(14);
    // confident learning flags them: flagged samples come first in what the browser gets
    const flagged = s.indices.filter((_, j) => p.labelIssue![j]);
    expect(flagged.length).toBe(Math.min(r.labelIssues.flagged, 100));
    expect(flagged.filter((i) => planted.has(i)).length).toBeGreaterThanOrEqual(14);
    expect(flagged.length).toBeLessThanOrEqual(20);
    expect(s.indices.slice(0, flagged.length).every((i) => flagged.includes(i))).toBe(true);
    // each carried sample's label is its label in the file (planted ones the swapped label)
    s.indices.forEach((index, j) => expect(s.labels[j]).toBe(planted.has(index) ? (index % 3 + 1) % 3 : index % 3));
    // and the report says it in words
    const report = auditEngineTool.report(r);
    expect(report).toMatch(/^3-fold cross-validated audit of 600 training samples/);
    expect(report).toMatch(/\d+ likely label issues \(confident learning\)/);
  }, 120_000);

  it('finds held-out samples that nearly repeat training ones, named by their rows in their own files', async () => {
    const dir = tmp();
    const file = plantedCsv(dir, 300, new Set());
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    // the test file: 40 fresh rows, then rows 10, 20, ..., 60 of the training file with a hair of noise
    // (fresh rows of the same three blobs: in four features they point the way training rows of their class do, cosine 0.99 and more, without repeating any)
    const next = mulberry32(99);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
    const fresh = Array.from({ length: 40 }, (_, i) => { const c = i % 3; return `${[0, 1, 2, 3].map((f) => ((f === c ? 4 : f === 3 ? 2 * c : 0) + gauss() * 0.7).toFixed(4)).join(',')},${c}`; });
    const copies = [10, 20, 30, 40, 50, 60].map((r) => lines[r + 1].split(',').map((v, c) => (c < 4 ? (Number(v) + 0.0001).toFixed(4) : v)).join(','));
    writeFileSync(join(dir, 'test.csv'), `${lines[0]}\n${[...fresh, ...copies].join('\n')}\n`);
    const s = auditSpec(file);
    const r = await crossValidatedAudit({ ...s, data: { ...s.data, test: { type: 'csv', path: join(dir, 'test.csv'), label: 'label', task: 'classification' } } }, dir, { backend: 'cpu', folds: 2 });
    expect(r.nearTwins.counts.validation).toBe(0);
    expect(r.nearTwins.counts.test).toBe(6); // the planted copies, and none of the fresh rows
    const planted = r.nearTwins.pairs.filter((p) => p.row >= 40).map((p) => [p.row, p.trainRow]).sort((a, b) => a[0] - b[0]);
    expect(planted).toEqual([[40, 10], [41, 20], [42, 30], [43, 40], [44, 50], [45, 60]]);
    expect(r.nearTwins.pairs.every((p) => p.similarity >= 0.99)).toBe(true);
    // every twin is marked for the browser, by its position in the test split (the same rows here: a file of its own)
    expect(r.nearTwins.marked!.test.length).toBe(r.nearTwins.counts.test);
    expect(r.nearTwins.marked!.test.filter(([i]) => i >= 40).map(([i, t]) => [i, t]).sort((a, b) => a[0] - b[0])).toEqual(planted);
    expect(auditEngineTool.report(r)).toMatch(/near twins in training \(input cosine similarity 0\.99 or more\): \d+ test and 0 validation samples/);
  }, 120_000);

  it('folds trained on worker threads give exactly what one thread gives, with progress from every fold', async () => {
    const dir = tmp();
    const file = plantedCsv(dir, 300, new Set([4, 40, 140]));
    const s = { ...auditSpec(file), training: { ...auditSpec(file).training, epochs: 4 } };
    const one = await crossValidatedAudit(s, dir, { backend: 'cpu', folds: 3, workers: 1 });
    const progress: string[] = [];
    const three = await crossValidatedAudit(s, dir, { backend: 'cpu', folds: 3, workers: 3, onProgress: (p) => progress.push(`${p.done}/${p.total} ${p.note}`) });
    expect(three.foldAccuracy).toEqual(one.foldAccuracy);
    expect(three.samples.predictions).toBe(one.samples.predictions); // (every probability, bit for bit)
    expect(three.labelIssues).toEqual(one.labelIssues);
    expect(progress.some((p) => /on 3 threads/.test(p))).toBe(true);
    expect(progress.filter((p) => /^\d+\/12 fold \d\/3 done/.test(p))).toHaveLength(3);
  }, 120_000);

  it('folds are stratified: every class split evenly, every sample in exactly one fold', () => {
    const labels = Array.from({ length: 103 }, (_, i) => (i < 60 ? 0 : i < 90 ? 1 : 2));
    const fold = stratifiedFolds(labels, 3, 5, 1);
    for (let c = 0; c < 3; c++) {
      const sizes = [0, 0, 0, 0, 0];
      labels.forEach((l, i) => { if (l === c) sizes[fold[i]]++; });
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
    const total = [0, 0, 0, 0, 0];
    for (const f of fold) total[f]++;
    expect(Math.max(...total) - Math.min(...total)).toBeLessThanOrEqual(1);
  });

  it('refuses to audit with folds that diverged: their "issues" would be the model\'s, not the labels\'', async () => {
    const dir = tmp();
    const file = plantedCsv(dir, 300, new Set());
    const s = auditSpec(file);
    const wild = { ...s, training: { ...s.training, optimizer: { ...s.training.optimizer, learningRate: 1e30 } } };
    await expect(crossValidatedAudit(wild, dir, { backend: 'cpu', folds: 3 })).rejects.toThrow(/^fold 1 of 3 diverged.*cannot audit the labels/);
    // with the run's own stops switched off, the folds "complete" on NaN weights: refused all the same
    const unstopped = { ...wild, training: { ...wild.training, stopOnNonFinite: false, stopOnDivergence: false } };
    await expect(crossValidatedAudit(unstopped, dir, { backend: 'cpu', folds: 3 })).rejects.toThrow(/^fold 1 of 3: the model's output is not a finite number/);
    // the CLI: one line and exit 1, as a failed run
    writeFileSync(join(dir, 'nan.json'), JSON.stringify(unstopped));
    const cli = spawnSync(process.execPath, [join(__dirname, '../../../../bin/trainscope.mjs'), 'audit', join(dir, 'nan.json'), '--folds', '2', '--backend', 'cpu'], { encoding: 'utf8', timeout: 120_000 });
    expect(cli.status).toBe(1);
    expect(cli.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^trainscope: fold 1 of 2: the model's output is not a finite number/)]);
  }, 120_000);

  it('says when the fold models are too weak for their flags to mean wrong labels', () => {
    expect(auditModelsWeak({ accuracy: 0.521, baseRate: 0.342 })).toBe(true);
    expect(auditModelsWeak({ accuracy: 0.918, baseRate: 0.1 })).toBe(false);
    expect(weakModelsNote({ accuracy: 0.521, baseRate: 0.342, labelIssues: { flagged: 114 } })).toMatch(/^the fold models are weak \(out-of-sample accuracy 52\.1% against 34\.2% by guessing the largest class\): most of the 114 flags/);
  }, 60_000);

  it('refuses a regression task in one line naming the field', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'r.csv'), `x,y\n${Array.from({ length: 40 }, (_, i) => `${i},${i * 2}`).join('\n')}\n`);
    const s = spec({
      name: 'reg', data: { train: { type: 'csv', path: 'r.csv', label: 'y', task: 'regression' }, validation: 0 },
      model: { layers: [{ type: 'dense', units: 1 }] }, training: { epochs: 1, loss: 'mse', metrics: ['mae'] },
    });
    await expect(crossValidatedAudit(s, dir, { backend: 'cpu', folds: 2 })).rejects.toThrow(/^data\.train: the data audit needs classes/);
  });
});
