// `trainscope sweep <sweep.json>`: trains a sweep's trials on a pool of local engine processes,
// shows them as a live table, and prints the best trial and the sweep's folder (or, with --json,
// one object). The folder is <out>/<sweep name>: started again, an unfinished sweep resumes there.
import { join, resolve } from 'node:path';
import type { BackendChoice } from '../../engine/backends/select.ts';
import { InputError } from '../../engine/errors.ts';
import { loadSweepFile, preflightData, presetSweep } from '../../engine/sweep/sweep-file.ts';
import { runSweep, TRIALS_DIR, type SweepResult } from '../../engine/sweep/run-sweep.ts';
import { defaultWorkers, TrialPool } from '../../engine/sweep/trial-pool.ts';
import type { TrialRunner } from '../../engine/sweep/trial-runner.ts';
import { QueueRunner } from '../../engine/sweep/queue/queue-runner.ts';
import { checkQueueUrl } from './worker.ts';
import { forkEngine } from '../../server/fork-engine.ts';
import { sweepFolder } from '../../engine/sweep/sweep-folder.ts';
import { stringifyJson } from '../../../shared/json-number.ts';
import { SweepTable } from './sweep-table.ts';

export async function sweepCommand(path: string, opts: { out: string; backend: BackendChoice; workers?: number; queue?: string; preset?: string; json: boolean }): Promise<number> {
  // with --preset the file is a run spec, and the sweep one of the course's comparisons of it
  const loaded = opts.preset !== undefined ? presetSweep(path, opts.preset) : loadSweepFile(path);
  const { sweep } = loaded;
  const workers = opts.workers ?? defaultWorkers();
  const { dir, resuming } = sweepFolder(resolve(opts.out), sweep.name, sweep);
  const runsDir = join(dir, TRIALS_DIR);
  let pool: TrialRunner;
  if (opts.queue !== undefined) {
    const url = checkQueueUrl(opts.queue);
    try {
      pool = await QueueRunner.connect({ url, runsDir, baseDir: loaded.baseDir, sweep: sweep.name, size: sweep.concurrency ?? sweep.trials });
    } catch (e) {
      throw new InputError('--queue', `cannot reach ${url} (${(e as Error).message})`);
    }
  } else {
    preflightData(loaded, path);
    pool = new TrialPool({ workers, spawn: forkEngine, runsDir, baseDir: loaded.baseDir, backend: opts.backend });
  }
  process.stderr.write(`${resuming ? 'resuming' : 'sweep'} ${sweep.name}: ${sweep.method}, ${sweep.trials} trials, ${sweep.metric} (${sweep.goal}), ${opts.queue !== undefined ? `up to ${sweep.concurrency ?? sweep.trials} at once through ${opts.queue}` : `${Math.min(workers, sweep.concurrency ?? workers)} trial(s) at once on ${workers} engine(s)`}, in ${dir}\n`);
  const table = new SweepTable(sweep.metric);
  const abort = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(130);
    process.stderr.write('\nstopping the running trials (Ctrl-C again to quit now); run the same command again to resume\n');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  let result: SweepResult;
  try {
    result = await runSweep({
      dir, sweep, base: loaded.base, pool, signal: abort.signal, onUpdate: (rows) => table.update(rows), onWarning: (line) => process.stderr.write(`${line}\n`),
    });
    table.flush(result.trials);
  } finally {
    process.off('SIGINT', onSigint);
    await pool.close();
  }
  const finished = result.trials.filter((t) => t.status !== 'queued' && t.status !== 'failed').length;
  if (result.resumed) process.stderr.write(`${result.resumed} trial(s) had finished before and were not run again\n`);
  if (opts.json) {
    process.stdout.write(`${stringifyJson({ dir: result.dir, best: result.best, trials: result.trials, interrupted: result.interrupted, ...(result.warnings ? { warnings: result.warnings } : {}) })}\n`);
  } else {
    if (result.best) {
      const params = Object.entries(result.best.params).map(([k, v]) => `${k}=${stringifyJson(v)}`).join(', ');
      process.stderr.write(`best: ${result.best.trial} (${sweep.metric} ${result.best.metric.toFixed(4)}): ${params}\n  ${result.best.runDir ?? ''}\n`);
    }
    process.stdout.write(`${result.dir}\n`);
  }
  if (result.interrupted) return 130;
  return finished > 0 ? 0 : 1;
}
