// A sweep through a real Redis (Debian's redis-server, started here on a free loopback port) with
// two `trainscope worker` processes: one is killed mid-trial, and the sweep still completes, with
// every trial's folder whole, the retry recorded as attempt 2, and the lost attempt's folder closed
// as failed, saying why and which attempt superseded it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, join } from 'node:path';
import { tmp } from '../helpers.ts';

const BIN = join(__dirname, '../../bin/trainscope.mjs');
const REDIS = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
// CI installs redis-server (.ci/run): there its absence is a failure, not a skip
const skip = !REDIS && !process.env.TRAINSCOPE_CI && !process.env.CI;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

const children: ChildProcess[] = [];
let url = '';

beforeAll(async () => {
  if (skip) return;
  if (!REDIS) throw new Error('redis-server is not installed (apt-get install redis-server)');
  const port = await freePort();
  const redis = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(redis);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    redis.stdout!.on('data', (d) => { out += d; if (/Ready to accept connections/.test(out)) resolve(); });
    redis.on('exit', (c) => reject(new Error(`redis-server exited (${c}): ${out}`)));
  });
  url = `redis://127.0.0.1:${port}`;
}, 30_000);

afterAll(() => { for (const c of children) c.kill('SIGKILL'); });

const base = {
  name: 'qbase', seed: 4,
  data: { train: { type: 'synthetic', name: 'spirals', samples: 2000, classes: 3 }, validation: 0.2 },
  model: { layers: [{ type: 'dense', units: 32, activation: 'tanh' }, { type: 'dense', units: 3, activation: 'softmax' }] },
  training: { epochs: 12, batchSize: 16, optimizer: { type: 'adam', learningRate: 0.01 } },
  instruments: { every: 10 },
};

/** the epochs a trial's latest run folder holds so far */
function epochsOnDisk(sweepDir: string, trial: string): number {
  const trials = join(sweepDir, 'trials');
  const folder = existsSync(trials) ? readdirSync(trials).filter((f) => f.includes(`-${trial}-`)).sort().at(-1) : undefined;
  if (!folder || !existsSync(join(trials, folder, 'events.jsonl'))) return 0;
  return readFileSync(join(trials, folder, 'events.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"type":"epoch"')).length;
}

function startWorker(env: NodeJS.ProcessEnv) {
  const w = spawn(process.execPath, [BIN, 'worker', '--queue', url, '--backend', 'wasm'], { stdio: ['ignore', 'pipe', 'pipe'], env });
  children.push(w);
  let err = '';
  w.stderr!.on('data', (d) => { err += d; });
  return { proc: w, log: () => err };
}

describe.skipIf(skip)('trainscope sweep --queue', () => {
  it('two workers, one killed mid-trial: the sweep completes and every trial folder is whole', async () => {
    const d = tmp();
    mkdirSync(join(d, 'specs'));
    writeFileSync(join(d, 'specs', 'base.json'), JSON.stringify(base));
    writeFileSync(join(d, 'specs', 'sweep.json'), JSON.stringify({
      name: 'queued', base: 'base.json', method: 'grid', concurrency: 2, metric: 'val_loss',
      parameters: { 'training.optimizer.learningRate': { values: [0.003, 0.01, 0.03] } },
    }));
    // a short lock: a dead worker's trial goes back to the queue after ~3 s, not 30
    const env = { ...process.env, TRAINSCOPE_QUEUE_LOCK_MS: '3000' };
    const out = tmp();
    const sweep = spawn(process.execPath, [BIN, 'sweep', join(d, 'specs', 'sweep.json'), '--out', out, '--queue', url, '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env });
    children.push(sweep);
    let stdout = '', stderr = '';
    sweep.stdout!.on('data', (x) => { stdout += x; });
    sweep.stderr!.on('data', (x) => { stderr += x; });
    // no worker yet: the trials wait in the queue, and say so (not "running")
    await expect.poll(() => /queued/.test(stderr), { timeout: 60_000, interval: 200 }).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    expect(stderr).not.toMatch(/running/);
    const a = startWorker(env);
    const b = startWorker(env);
    // kill worker a once the trial it trains has an epoch in its folder (so the lost attempt is kept, marked)
    await expect.poll(() => /training on/.test(a.log()), { timeout: 60_000, interval: 200 }).toBe(true);
    const lostTrial = /queued-(t\d+) \(queued\): training on/.exec(a.log())![1];
    await expect.poll(() => epochsOnDisk(join(out, 'queued'), lostTrial), { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(1);
    a.proc.kill('SIGKILL');
    const code = await new Promise<number | null>((r) => sweep.on('exit', (c) => r(c)));
    expect(code, `${stderr}\nworker b: ${b.log()}`).toBe(0);
    const res = JSON.parse(stdout);
    expect(res.trials.map((t: { status: string }) => t.status)).toEqual(['completed', 'completed', 'completed']);
    for (const t of res.trials) {
      const events = readFileSync(join(t.runDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(events[0].type).toBe('run-start');
      expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'completed', epochs: 12 });
      expect(events.filter((e) => e.type === 'epoch')).toHaveLength(12);
    }
    // the retry is attempt 2, in sweep.jsonl and in the result; the other trials ran once
    const log = readFileSync(join(res.dir, 'sweep.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const attempts = (trial: string) => log.filter((r) => r.type === 'trial-started' && r.trial === trial).map((r) => r.attempt);
    for (const t of res.trials) expect(attempts(t.trial), t.trial).toEqual(t.trial === lostTrial ? [1, 2] : [1]);
    expect(res.trials.map((t: { trial: string; attempt: number }) => t.attempt)).toEqual(res.trials.map((t: { trial: string }) => (t.trial === lostTrial ? 2 : 1)));
    // the attempt that died with worker a: its own folder (it had trained), closed as failed, saying why and what superseded it
    const folders = readdirSync(join(res.dir, 'trials')).map((f) => join(res.dir, 'trials', f));
    const lost = folders.filter((f) => !res.trials.some((t: { runDir: string }) => t.runDir === f));
    expect(lost).toHaveLength(1);
    const retry = res.trials.find((t: { trial: string }) => t.trial === lostTrial).runDir;
    expect(log.filter((r) => r.type === 'attempt-superseded')).toEqual([expect.objectContaining({ trial: lostTrial, attempt: 1, by: 2, removed: false, runDir: join('trials', basename(lost[0])) })]);
    const lastOfLost = JSON.parse(readFileSync(join(lost[0], 'events.jsonl'), 'utf8').trim().split('\n').at(-1)!);
    expect(lastOfLost).toMatchObject({ type: 'run-end', status: 'failed', supersededBy: { attempt: 2, runId: basename(retry) } });
    expect(lastOfLost.reason).toMatch(new RegExp(`^superseded by attempt 2 \\(${basename(retry)}\\): its worker \\(.+\\) was lost mid-trial`));
    expect(lastOfLost.epochs).toBeGreaterThanOrEqual(1);
    expect(b.log()).toMatch(/completed/);
  }, 240_000);

  it('an unreachable queue is one line naming --queue', () => {
    const d = tmp();
    writeFileSync(join(d, 'base.json'), JSON.stringify(base));
    writeFileSync(join(d, 'sweep.json'), JSON.stringify({ name: 'nowhere', base: 'base.json', method: 'grid', parameters: { seed: { values: [1] } } }));
    const r = spawnSync(process.execPath, [BIN, 'sweep', join(d, 'sweep.json'), '--queue', 'redis://127.0.0.1:1'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--queue: cannot reach redis:\/\/127\.0\.0\.1:1/);
  }, 60_000);
});
