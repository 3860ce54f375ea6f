// Sweep figures for `npm run bench`: how much a second local engine speeds up a sweep, and how
// little of a grid's compute successive halving needs to find (nearly) the grid's best.
// `tsx bench/sweep.ts` runs them alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSweep, type TrialRow } from '../main/engine/sweep/run-sweep.ts';
import { TrialPool } from '../main/engine/sweep/trial-pool.ts';
import { forkEngine } from '../main/server/fork-engine.ts';
import { QueueRunner } from '../main/engine/sweep/queue/queue-runner.ts';
import type { TrialRunner } from '../main/engine/sweep/trial-runner.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { validateSweep, type SweepSpec } from '../shared/sweep/validate.ts';
import { AshaScheduler } from '../shared/sweep/asha.ts';
import { mulberry32 } from '../shared/random.ts';
import type { RunEvent } from '../shared/events.ts';

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

async function timedSweep(sweep: SweepSpec, b: object, workers: number, onUpdate?: (rows: readonly TrialRow[]) => void, onTrialEvent?: (runId: string, e: RunEvent) => void, warmUp?: SweepSpec) {
  const dir = mkdtempSync(join(tmpdir(), 'trainscope-bench-sweep-'));
  const pool = new TrialPool({ workers, spawn: forkEngine, runsDir: join(dir, 'trials'), baseDir: '.', backend: 'wasm' });
  try {
    // (a warm-up sweep first, on the same engines: the timed one then measures trials alone)
    if (warmUp) await runSweep({ dir: join(dir, 'warm-up'), sweep: warmUp, base: b, pool });
    const t0 = performance.now();
    const result = await runSweep({ dir, sweep, base: b, pool, onUpdate, onTrialEvent });
    return { ms: performance.now() - t0, result };
  } finally {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * 8 identical trials (only the seed differs) on 2 engines against 1, from starting the engines, as
 * `trainscope sweep` runs them; and once more with the engines started and warm beforehand.
 * Trials train a digits MLP on 10,000 samples (~1.5 s each on a warm engine). The 2,000-sample
 * trial of earlier benches now takes ~0.35 s on a warm engine, less than starting one: its figure
 * (`..._2000`) measures two engines starting at once on two cores more than trials in parallel.
 */
export async function benchSweepParallel() {
  const seeds = (n: number) => ({ seed: { values: Array.from({ length: n }, (_, i) => i + 1) } });
  const ratio = async (samples: number, warm: boolean) => {
    const b = base(samples);
    const ms = [];
    for (const workers of [1, 2]) {
      const sweep = sweepOf({ name: `par${workers}`, base: b, method: 'grid', concurrency: workers, parameters: seeds(8) }, b);
      const warmUp = warm ? sweepOf({ name: 'warm-up', base: b, method: 'grid', concurrency: workers, parameters: seeds(2 * workers) }, b) : undefined;
      ms.push((await timedSweep(sweep, b, workers, undefined, undefined, warmUp)).ms);
    }
    log(`sweep of 8 trials on ${samples} samples${warm ? ', warm engines' : ''}: 1 engine ${(ms[0] / 1000).toFixed(1)} s, 2 engines ${(ms[1] / 1000).toFixed(1)} s`);
    return ms[0] / ms[1];
  };
  return {
    sweep_parallel_speedup: await ratio(10000, false),
    sweep_parallel_speedup_warm: await ratio(10000, true),
    sweep_parallel_speedup_2000: await ratio(2000, false),
  };
}

/**
 * A fixed space of 16 configurations (4 learning rates x 4 widths of a digits MLP), judged by
 * validation accuracy. The grid trains each for 9 epochs; successive halving (eta 3, rungs at 1, 3
 * and 9 epochs) goes through the same 16. The figure: the epochs it has spent when a trial first
 * comes within 1% of the grid's best accuracy, over the grid's 144.
 *
 * One sweep's figure depends on the order trials arrive in (a good configuration met late faces
 * a stricter rung). Each configuration trains the same way in either sweep (seeded, one thread),
 * so successive halving is also replayed on the grid's own per-epoch curves over 200 arrival
 * orders on 2 workers; `asha_compute_fraction` is the median of those, a trial that never gets
 * within 1% counting as 1. The one real sweep's figure is reported beside it.
 */
export async function benchAshaCompute() {
  const b = base(2000);
  const parameters = {
    'training.optimizer.learningRate': { values: [0.0003, 0.001, 0.003, 0.01] },
    'model.layers[1].units': { values: [8, 16, 32, 64] },
  };
  const nine = { ...b, training: { ...b.training, epochs: 9 } };
  const curves = new Map<string, number[]>();
  const grid = await timedSweep(sweepOf({ name: 'grid16', base: nine, method: 'grid', metric: 'val_accuracy', parameters }, nine), nine, 1, undefined, (runId, e) => {
    if (e.type === 'epoch') (curves.get(runId) ?? curves.set(runId, []).get(runId)!).push(e.validation?.accuracy ?? NaN);
  });
  const gridBest = grid.result.best!.metric;
  const gridEpochs = grid.result.trials.reduce((s, t) => s + t.epochs, 0);
  const target = gridBest * 0.99;
  let reachedAt: number | null = null;
  const asha = await timedSweep(sweepOf({ name: 'asha16', base: b, method: 'asha', metric: 'val_accuracy', trials: 16, seed: 3, asha: { minEpochs: 1, maxEpochs: 9, reductionFactor: 3 }, parameters }, b), b, 1, (rows) => {
    if (reachedAt !== null) return;
    if (rows.some((r) => r.metric !== null && r.metric >= target)) reachedAt = rows.reduce((s, r) => s + r.epochs, 0);
  });
  const ashaEpochs = asha.result.trials.reduce((s, t) => s + t.epochs, 0);
  const replayed = replayAsha(grid.result.trials.map((t) => curves.get(t.runDir!.split(/[\\/]/).pop()!)!), target, 200, 2);
  log(`16 configurations: grid ${gridEpochs} epochs, best val_accuracy ${gridBest.toFixed(4)}; successive halving ${ashaEpochs} epochs in all, best ${asha.result.best?.metric.toFixed(4)}, within 1% after ${reachedAt ?? 'never'}; replayed over 200 orders: within 1% in ${replayed.found}, median ${replayed.median.toFixed(0)} epochs`);
  return {
    asha_compute_fraction: replayed.median / gridEpochs,
    asha_found_share: replayed.found / 200,
    asha_compute_fraction_single_run: reachedAt === null ? 1 : reachedAt / gridEpochs,
    asha_total_epochs_fraction: ashaEpochs / gridEpochs,
  };
}

/** Successive halving over recorded per-epoch curves: the epochs spent until a trial reaches `target`, per shuffled arrival order (never: the grid's whole budget). */
function replayAsha(curves: number[][], target: number, orders: number, workers: number): { median: number; found: number } {
  const budget = { minEpochs: 1, maxEpochs: 9, reductionFactor: 3 };
  const spentTo: number[] = [];
  let found = 0;
  for (let seed = 1; seed <= orders; seed++) {
    const rand = mulberry32(seed);
    const queue = curves.map((_, i) => i);
    for (let i = queue.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [queue[i], queue[j]] = [queue[j], queue[i]]; }
    const s = new AshaScheduler(budget, 'maximize');
    const running: { i: number; epoch: number }[] = [];
    let spent = 0, reached: number | null = null;
    while (reached === null && (queue.length || running.length)) {
      while (running.length < workers && queue.length) running.push({ i: queue.shift()!, epoch: 0 });
      for (const r of [...running]) {
        r.epoch++;
        spent++;
        const m = curves[r.i][r.epoch - 1];
        if (m >= target) { reached = spent; break; }
        if (s.report(String(r.i), r.epoch, m).decision !== 'continue') running.splice(running.indexOf(r), 1);
      }
    }
    if (reached !== null) found++;
    spentTo.push(reached ?? curves.length * budget.maxEpochs);
  }
  spentTo.sort((a, b) => a - b);
  return { median: spentTo[Math.floor(orders / 2)], found };
}

const freePort = () => new Promise<number>((resolve, reject) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
  s.on('error', reject);
});

function waitFor(child: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    child[stream]!.on('data', (d) => { text += d; if (pattern.test(text)) resolve(); });
    child.on('exit', (c) => reject(new Error(`exited (${c}) before ${pattern}: ${text.slice(-300)}`)));
  });
}

/**
 * One small trial's wall time through Redis (a `trainscope worker` on this machine, the
 * coordinator writing the folder from the streamed events) against the local pool, each already
 * warm (a first trial run and thrown away), medians of 3 interleaved rounds.
 */
export async function benchQueueOverhead() {
  const redisBin = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
  if (!redisBin) return { queue_overhead: 'unavailable: redis-server is not installed (apt-get install redis-server)' };
  const port = await freePort();
  const redis = spawn(redisBin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = `redis://127.0.0.1:${port}`;
  let worker: ChildProcess | null = null;
  const dir = mkdtempSync(join(tmpdir(), 'trainscope-bench-queue-'));
  try {
    await waitFor(redis, 'stdout', /Ready to accept connections/);
    worker = spawn(process.execPath, [join(import.meta.dirname ?? '.', '..', 'bin', 'trainscope.mjs'), 'worker', '--queue', url, '--backend', 'wasm'], { stdio: ['ignore', 'pipe', 'pipe'] });
    await waitFor(worker, 'stderr', /waiting for trials/);
    const spec = { ...base(2000), training: { ...base(2000).training, epochs: 3 } };
    const local = new TrialPool({ workers: 1, spawn: forkEngine, runsDir: join(dir, 'local'), baseDir: '.', backend: 'wasm' });
    const queued = await QueueRunner.connect({ url, runsDir: join(dir, 'queued'), baseDir: '.', sweep: 'bench', size: 1 });
    const once = async (r: TrialRunner) => {
      const t0 = performance.now();
      const o = await r.run(spec).done;
      if (o.status !== 'completed') throw new Error(`bench trial ${o.status}: ${o.reason}`);
      return performance.now() - t0;
    };
    try {
      await once(local); await once(queued); // warm: engines started, backends and data loaded
      const l: number[] = [], q: number[] = [];
      for (let i = 0; i < 3; i++) { l.push(await once(local)); q.push(await once(queued)); }
      const med = (a: number[]) => [...a].sort((x, y) => x - y)[1];
      log(`one trial: local pool ${(med(l) / 1000).toFixed(2)} s, through Redis ${(med(q) / 1000).toFixed(2)} s`);
      return { queue_overhead: med(q) / med(l) };
    } finally {
      await Promise.all([local.close(), queued.close()]);
    }
  } finally {
    worker?.kill('SIGINT');
    redis.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchSweeps() {
  return { ...(await benchSweepParallel()), ...(await benchAshaCompute()), ...(await benchQueueOverhead()) };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  process.stdout.write(`${JSON.stringify(await benchSweeps())}\n`);
}
