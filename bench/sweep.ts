// Sweep figures for `npm run bench`: how much a second local engine speeds up a sweep, and how
// little of a grid's compute successive halving needs to find (nearly) the grid's best.
// `tsx bench/sweep.ts` runs them alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSweep, type TrialRow } from '../main/engine/sweep/run-sweep.ts';
import { TrialPool } from '../main/engine/sweep/trial-pool.ts';
import { forkEngine } from '../main/server/fork-engine.ts';
import { validateSweep, type SweepSpec } from '../shared/sweep/validate.ts';

const log = (s: string) => process.stderr.write(`${s}\n`);

const base = (samples: number) => ({
  name: 'bench-sweep', seed: 1,
  data: { train: { type: 'mnist-digits' }, validation: 0.2, test: 0, limit: samples },
  model: { layers: [{ type: 'flatten' }, { type: 'dense', units: 32, activation: 'relu' }, { type: 'dense', units: 10, activation: 'softmax' }] },
  training: { epochs: 3, batchSize: 64, optimizer: { type: 'adam', learningRate: 0.003 } },
  instruments: { every: 20 },
});

function sweepOf(raw: object, b: object): SweepSpec {
  const v = validateSweep(raw, b);
  if (!v.ok) throw new Error(`bench sweep: ${v.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  return v.sweep;
}

async function timedSweep(sweep: SweepSpec, b: object, workers: number, onUpdate?: (rows: readonly TrialRow[]) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'trainscope-bench-sweep-'));
  const pool = new TrialPool({ workers, spawn: forkEngine, runsDir: join(dir, 'trials'), baseDir: '.', backend: 'wasm' });
  const t0 = performance.now();
  try {
    const result = await runSweep({ dir, sweep, base: b, pool, onUpdate });
    return { ms: performance.now() - t0, result };
  } finally {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 8 identical small trials (only the seed differs) on 2 engines against 1. */
export async function benchSweepParallel() {
  const b = base(2000);
  const seeds = { seed: { values: [1, 2, 3, 4, 5, 6, 7, 8] } };
  const one = await timedSweep(sweepOf({ name: 'par1', base: b, method: 'grid', concurrency: 1, parameters: seeds }, b), b, 1);
  const two = await timedSweep(sweepOf({ name: 'par2', base: b, method: 'grid', concurrency: 2, parameters: seeds }, b), b, 2);
  log(`sweep of 8 trials: 1 engine ${(one.ms / 1000).toFixed(1)} s, 2 engines ${(two.ms / 1000).toFixed(1)} s`);
  return { sweep_parallel_speedup: one.ms / two.ms };
}

/**
 * A fixed space of 16 configurations (4 learning rates x 4 widths): the grid trains each for 9
 * epochs; successive halving (eta 3, rungs at 1, 3, 9 epochs) goes through the same 16 in a
 * shuffled order. The figure: the epochs it has spent when some trial first comes within 1% of
 * the grid's best validation loss, over the grid's 144.
 */
export async function benchAshaCompute() {
  const b = base(1500);
  const parameters = {
    'training.optimizer.learningRate': { values: [0.0003, 0.001, 0.003, 0.03] },
    'model.layers[1].units': { values: [8, 16, 32, 64] },
  };
  const grid = await timedSweep(sweepOf({ name: 'grid16', base: { ...b, training: { ...b.training, epochs: 9 } }, method: 'grid', parameters }, b), { ...b, training: { ...b.training, epochs: 9 } }, 1);
  const gridBest = grid.result.best!.metric;
  const gridEpochs = grid.result.trials.reduce((s, t) => s + t.epochs, 0);
  let reachedAt: number | null = null;
  const asha = await timedSweep(sweepOf({ name: 'asha16', base: b, method: 'asha', trials: 16, seed: 3, asha: { minEpochs: 1, maxEpochs: 9, reductionFactor: 3 }, parameters }, b), b, 1, (rows) => {
    if (reachedAt !== null) return;
    if (rows.some((r) => r.metric !== null && r.metric <= gridBest * 1.01)) reachedAt = rows.reduce((s, r) => s + r.epochs, 0);
  });
  const ashaEpochs = asha.result.trials.reduce((s, t) => s + t.epochs, 0);
  log(`16 configurations: grid ${gridEpochs} epochs, best val_loss ${gridBest.toFixed(4)}; successive halving ${ashaEpochs} epochs in all, best ${asha.result.best?.metric.toFixed(4)}, within 1% of the grid's best after ${reachedAt ?? 'never'}`);
  return {
    asha_compute_fraction: reachedAt === null ? 1 : reachedAt / gridEpochs,
    asha_total_epochs_fraction: ashaEpochs / gridEpochs,
  };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  process.stdout.write(`${JSON.stringify({ ...(await benchSweepParallel()), ...(await benchAshaCompute()) })}\n`);
}
