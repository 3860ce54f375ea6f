// The BN-folded export on trained models: an MLP and a CNN with batch norm (after a linear layer,
// after a ReLU before a dense, before a flatten) trained for two epochs on the bundled digits,
// exported to the neutral form (layers from the spec, weights read back by layer name), folded
// (main/engine/model-io/bn-fold.ts), and both run on the test split.
// bn_fold_export_max_abs_err: the largest |folded - original| output over both models (<= 1e-5).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { validateSpec, type RunSpec, type RunSpecInput } from '../shared/spec.ts';
import { Trainer } from '../main/engine/train/trainer.ts';
import { foldBatchNorm, foldedOutputDifference } from '../main/engine/model-io/bn-fold.ts';
import { neutralFromTfjs } from '../main/engine/model-io/from-tfjs.ts';

const root = join(import.meta.dirname ?? '.', '..');
const log = (s: string) => process.stderr.write(`${s}\n`);

/** The demo spec's data and optimiser (assets/specs/digits-mlp.json) around these layers, two epochs, no callbacks. */
function digitsSpec(name: string, layers: RunSpecInput['model']['layers'], limit: number | null): RunSpec {
  const base = JSON.parse(readFileSync(join(root, 'assets/specs/digits-mlp.json'), 'utf8'));
  const r = validateSpec({
    ...base, name, data: { ...base.data, limit },
    model: { layers }, training: { ...base.training, epochs: 2, earlyStopping: undefined, checkpoint: undefined },
  });
  if (!r.ok) throw new Error(`${name}: ${r.issues[0].path}: ${r.issues[0].message}`);
  return r.spec;
}

const MODELS: [string, RunSpecInput['model']['layers'], number | null][] = [
  ['mlp-bn', [
    { type: 'flatten' },
    { type: 'dense', units: 128, useBias: false, kernelInitializer: 'he_normal' },
    { type: 'batchnorm' },
    { type: 'activation', activation: 'relu' },
    { type: 'dropout', rate: 0.2 },
    { type: 'dense', units: 64, activation: 'relu', kernelInitializer: 'he_normal' },
    { type: 'batchnorm' }, // after a ReLU: folds forward into the output layer
    { type: 'dense', units: 10, activation: 'softmax' },
  ], null],
  ['cnn-bn', [
    { type: 'conv2d', filters: 8, kernelSize: 3, useBias: false, kernelInitializer: 'he_normal' },
    { type: 'batchnorm' },
    { type: 'activation', activation: 'relu' },
    { type: 'maxpool2d', poolSize: 2 },
    { type: 'conv2d', filters: 16, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: 'he_normal' },
    { type: 'batchnorm' }, // before a flatten: folds forward, channel by channel, into the dense layer
    { type: 'flatten' },
    { type: 'dropout', rate: 0.3 },
    { type: 'dense', units: 10, activation: 'softmax' },
  ], 4000], // (4,000 digits keep the CNN's two epochs within seconds on wasm)
];

export async function benchBnFoldExport() {
  let worst = 0;
  for (const [name, layers, limit] of MODELS) {
    const spec = digitsSpec(name, layers, limit);
    const trainer = new Trainer({ spec, baseDir: root, backend: 'wasm', instruments: false });
    const t0 = performance.now();
    const end = await trainer.run();
    const { model } = trainer.built, test = trainer.data.test;
    const original = neutralFromTfjs(model, spec.model.layers, trainer.data.info.inputShape); // (what `trainscope export` reads from a run)
    const f = foldBatchNorm(original);
    const x = tf.tensor(test.x, [test.n, ...test.shape]);
    const err = await foldedOutputDifference(original, f.model, x);
    x.dispose();
    model.dispose();
    worst = Math.max(worst, Number.isFinite(err) ? err : Infinity);
    log(`bn fold export on ${name} (${end.status}, ${((performance.now() - t0) / 1000).toFixed(1)} s): ${original.layers.length} -> ${f.model.layers.length} layers, folded ${f.folded.join(', ')}${f.kept.length ? `; kept ${f.kept.map((k) => k.layer).join(', ')}` : ''}; max |folded - original| on ${test.n} test digits ${err.toExponential(2)}`);
  }
  return { bn_fold_export_max_abs_err: worst };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  process.stdout.write(`${JSON.stringify(await benchBnFoldExport())}\n`);
}
