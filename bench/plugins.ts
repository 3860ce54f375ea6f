// Benchmarks of the two plugins added through the registries: the LR range test's time on the
// demo spec, and the batch-norm fold check's largest error on trained dense and conv models.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateSpec, type RunSpec } from '../shared/spec.ts';
import { Trainer } from '../main/engine/train/trainer.ts';
import { lrFind } from '../main/engine/tools/lr-find/lr-find.ts';
import type { FoldRecord } from '../shared/instruments/batchnorm/definition.ts';

const root = join(import.meta.dirname ?? '.', '..');
const log = (s: string) => process.stderr.write(`${s}\n`);

function specFile(path: string): RunSpec {
  const r = validateSpec(JSON.parse(readFileSync(join(root, path), 'utf8')));
  if (!r.ok) throw new Error(`${path}: ${r.issues[0].path}: ${r.issues[0].message}`);
  return r.spec;
}

/** A 100-step range test of the demo spec (the step count fixed: no early stop), wall time. */
export async function benchLrFind() {
  const spec = specFile('assets/specs/digits-mlp.json');
  const times: number[] = [];
  for (let r = 0; r < 2; r++) {
    const t0 = performance.now();
    const res = await lrFind(spec, root, { backend: 'wasm', steps: 100, stopFactor: 1e12 });
    times.push(performance.now() - t0);
    log(`lr-find round ${r + 1}/2: ${times[r].toFixed(0)} ms for ${res.steps} steps, suggested ${res.suggested?.toExponential(2)}`);
  }
  return { lr_find_ms: Math.min(...times) };
}

/** The fold check on every epoch of the dense and conv fixtures: the largest error of a foldable layer. */
export async function benchBnFold() {
  let worst = 0;
  for (const name of ['dense-bn', 'conv-bn']) {
    const spec = specFile(`tests/fixtures/batchnorm/${name}.json`);
    const trainer = new Trainer({ spec, baseDir: root, backend: 'wasm' });
    trainer.on((e) => {
      if (e.type !== 'instrument' || e.instrument !== 'batchnorm') return;
      for (const l of (e.payload.data as FoldRecord).layers) if (l.foldable) worst = Math.max(worst, Number.isFinite(l.maxAbsErr) ? l.maxAbsErr : Infinity);
    });
    await trainer.run();
    trainer.built.model.dispose();
    log(`bn fold check on ${name}: worst max |folded - BN(layer)| so far ${worst.toExponential(2)}`);
  }
  return { bn_fold_max_abs_err: worst };
}
