// Issue 15's measure of the label-issue finder: the Fashion-MNIST MLP (assets/specs/
// fashion-mnist-mlp.json, 5 epochs) predicts its test set with 10% of the labels flipped on
// purpose after training, uniformly to another class and, apart, to the class the model most
// confuses with the true one. Reported: precision@k of the self-confidence ranking (k = the
// flips), and the recall and precision of confident learning's flagged set.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateSpec } from '../shared/spec.ts';
import { mulberry32 } from '../shared/random.ts';
import { Trainer } from '../main/engine/train/trainer.ts';
import { predictSplit } from '../main/engine/instruments/predictions/evaluate.ts';
import { unpackPredictions } from '../shared/instruments/predictions/packing.ts';
import type { Dataset } from '../main/engine/data/dataset.ts';
import { prepareData } from '../main/engine/data/load.ts';
import { crossValidatedAudit } from '../main/engine/tools/audit/cross-validate.ts';
import { base64ToF32 } from '../shared/base64.ts';

const root = join(import.meta.dirname ?? '.', '..');
const log = (s: string) => process.stderr.write(`${s}\n`);

/** Flips a tenth of the labels: to any other class, or to `confusable[label]`. */
function flip(d: Dataset, seed: number, confusable: number[] | null): { y: Float32Array; flipped: Uint8Array; count: number } {
  const next = mulberry32(seed);
  const classes = d.classes!;
  const y = Float32Array.from(d.y), flipped = new Uint8Array(d.n);
  let count = 0;
  for (let i = 0; i < d.n; i++) {
    if (next() >= 0.1) continue;
    y[i] = confusable ? confusable[d.y[i]] : (d.y[i] + 1 + Math.floor(next() * (classes - 1))) % classes;
    flipped[i] = 1;
    count++;
  }
  return { y, flipped, count };
}

export async function benchLabelIssues() {
  const r = validateSpec(JSON.parse(readFileSync(join(root, 'assets/specs/fashion-mnist-mlp.json'), 'utf8')));
  if (!r.ok) throw new Error(r.issues[0].message);
  const spec = { ...r.spec, training: { ...r.spec.training, epochs: 5, earlyStopping: undefined, checkpoint: undefined }, instruments: { ...r.spec.instruments, predictions: { ...r.spec.instruments.predictions, every: 0, splits: [] } } };
  const trainer = new Trainer({ spec, baseDir: root, backend: 'wasm' });
  log('label issues: training the Fashion-MNIST MLP for 5 epochs...');
  await trainer.run({});
  const test = trainer.data.test;
  // the class each true class is most often predicted as, from the clean test set's confusion
  const clean = await predictSplit(trainer.built.model, test, spec, 'test', 4);
  const confusable = clean.header.confusion!.map((row, t) => row.reduce((best, v, c) => (c !== t && v > row[best] ? c : best), t === 0 ? 1 : 0));
  const out: Record<string, number> = {};
  for (const [name, map] of [['uniform', null], ['confusable', confusable]] as const) {
    const f = flip(test, 15, map);
    const { header, packed } = await predictSplit(trainer.built.model, { ...test, y: f.y }, spec, 'test', 4);
    const p = unpackPredictions(packed, header.n, header.k);
    const order = Array.from({ length: test.n }, (_, i) => i).sort((a, b) => p.pGiven[a] - p.pGiven[b] || a - b);
    const atK = order.slice(0, f.count).filter((i) => f.flipped[i]).length / f.count;
    let hit = 0;
    for (let i = 0; i < test.n; i++) if (p.labelIssue![i] && f.flipped[i]) hit++;
    const li = header.labelIssues!;
    log(`label issues (${name} flips): ${f.count} flipped of ${test.n}, clean test accuracy ${clean.header.accuracy!.toFixed(4)}; precision@k ${atK.toFixed(3)}; flagged ${li.flagged} (recall ${(hit / f.count).toFixed(3)}, precision ${(hit / Math.max(1, li.flagged)).toFixed(3)}); estimated ${li.estimated.toFixed(0)}`);
    const suffix = name === 'uniform' ? '' : '_confusable';
    out[`label_issue_precision_at_k${suffix}`] = atK;
    out[`label_issue_recall_flagged${suffix}`] = hit / f.count;
    out[`label_issue_precision_flagged${suffix}`] = hit / Math.max(1, li.flagged);
  }
  trainer.built.model.dispose();
  return out;
}

/**
 * The cross-validated audit of the training labels on planted flips: the bundled MNIST digits
 * (8,000 training samples) with 10% of the training labels flipped uniformly, the digits MLP for
 * 3 epochs, 5 folds. precision@k of the self-confidence ranking over every training sample.
 */
export async function benchAuditTrain() {
  const r = validateSpec(JSON.parse(readFileSync(join(root, 'assets/specs/digits-mlp.json'), 'utf8')));
  if (!r.ok) throw new Error(r.issues[0].message);
  const spec = { ...r.spec, training: { ...r.spec.training, epochs: 3 } };
  const splits = prepareData(spec, root);
  const f = flip(splits.train, 21, null);
  log(`data audit: 5 folds over ${splits.train.n} training samples with ${f.count} flipped labels...`);
  const t0 = performance.now();
  const res = await crossValidatedAudit(spec, root, { backend: 'wasm', folds: 5, show: splits.train.n, data: { ...splits, train: { ...splits.train, y: f.y } } });
  const s = res.samples;
  const p = unpackPredictions(base64ToF32(s.predictions), s.indices.length, s.k);
  // (the result names samples by their row in the source; the flips were made by position in the split)
  const rows = splits.train.rows!;
  const position = new Map(Array.from(rows, (r, i) => [r, i]));
  const flippedRow = (row: number) => f.flipped[position.get(row)!] === 1;
  const order = s.indices.map((index, j) => ({ index, j })).sort((a, b) => p.pGiven[a.j] - p.pGiven[b.j] || a.index - b.index);
  const atK = order.slice(0, f.count).filter((e) => flippedRow(e.index)).length / f.count;
  let hit = 0;
  s.indices.forEach((index, j) => { if (p.labelIssue![j] && flippedRow(index)) hit++; });
  log(`data audit: ${((performance.now() - t0) / 1000).toFixed(0)} s; out-of-sample accuracy ${res.accuracy.toFixed(3)}; precision@k ${atK.toFixed(3)}; flagged ${res.labelIssues.flagged} (recall ${(hit / f.count).toFixed(3)}, precision ${(hit / Math.max(1, res.labelIssues.flagged)).toFixed(3)}); estimated ${res.labelIssues.estimated.toFixed(0)}`);
  return { audit_train_precision_at_k: atK, audit_train_recall_flagged: hit / f.count, audit_train_precision_flagged: hit / Math.max(1, res.labelIssues.flagged) };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  process.stdout.write(`${JSON.stringify({ ...(await benchLabelIssues()), ...(await benchAuditTrain()) })}\n`);
}
