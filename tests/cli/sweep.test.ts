// `trainscope sweep` as a user runs it: six small trials on two local engines to whole run
// folders and a best trial; an interrupted sweep resumed without rerunning what finished, its
// interrupted attempt superseded; a bad parameter refused in one line before anything runs;
// sweep-inspect over the result, and over a log with a damaged line.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tmp } from '../helpers.ts';

const BIN = join(__dirname, '../../bin/trainscope.mjs');
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const base = {
  name: 'base', seed: 2,
  data: { train: { type: 'synthetic', name: 'moons', samples: 300, noise: 0.2 }, validation: 0.2 },
  model: { layers: [{ type: 'dense', units: 8, activation: 'relu' }, { type: 'dense', units: 2, activation: 'softmax' }] },
  training: { epochs: 2, batchSize: 30, optimizer: { type: 'adam', learningRate: 0.01 } },
  instruments: { every: 5 },
};

/** A sweep folder with base.json beside sweep.json (the base path is relative to the sweep file). */
function sweepFiles(sweep: object): string {
  const d = tmp();
  mkdirSync(join(d, 'specs'));
  writeFileSync(join(d, 'specs', 'base.json'), JSON.stringify(base));
  writeFileSync(join(d, 'specs', 'sweep.json'), JSON.stringify({ base: 'base.json', ...sweep }));
  return join(d, 'specs', 'sweep.json');
}

const records = (dir: string) => readFileSync(join(dir, 'sweep.jsonl'), 'utf8').trim().split('\n').map((l) => { try { return JSON.parse(l); } catch { return null; } });
const runEnd = (runDir: string) => JSON.parse(readFileSync(join(runDir, 'events.jsonl'), 'utf8').trim().split('\n').at(-1)!);
/** the epochs a trial's latest run folder holds so far */
function epochsOnDisk(sweepDir: string, trial: string): number {
  const trials = join(sweepDir, 'trials');
  const folder = existsSync(trials) ? readdirSync(trials).filter((f) => f.includes(`-${trial}-`)).sort().at(-1) : undefined;
  if (!folder || !existsSync(join(trials, folder, 'events.jsonl'))) return 0;
  return readFileSync(join(trials, folder, 'events.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"type":"epoch"')).length;
}

describe('trainscope sweep', () => {
  it('a grid of six trials on two engines: every trial a whole run folder, the best one named, sweep-inspect agrees', () => {
    const file = sweepFiles({
      name: 'grid6', method: 'grid', metric: 'val_loss', concurrency: 2,
      parameters: { 'training.optimizer.learningRate': { values: [0.001, 0.01, 0.1] }, 'model.layers[0].units': { values: [4, 16] } },
    });
    const out = tmp();
    const r = cli('sweep', file, '--out', out, '--workers', '2', '--backend', 'wasm', '--json');
    expect(r.code, r.err).toBe(0);
    const res = JSON.parse(r.out);
    expect(res.dir).toBe(join(out, 'grid6'));
    expect(res.trials).toHaveLength(6);
    expect(res.trials.map((t: { status: string }) => t.status)).toEqual(Array(6).fill('completed'));
    // the grid, in order: the last parameter varies fastest
    expect(res.trials.map((t: { params: Record<string, number> }) => [t.params['training.optimizer.learningRate'], t.params['model.layers[0].units']]))
      .toEqual([[0.001, 4], [0.001, 16], [0.01, 4], [0.01, 16], [0.1, 4], [0.1, 16]]);
    const best = Math.min(...res.trials.map((t: { metric: number }) => t.metric));
    expect(res.best.metric).toBe(best);
    for (const t of res.trials) {
      const events = readFileSync(join(t.runDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'completed', epochs: 2 });
      // each trial is its own spec: the base with its parameters set
      const spec = JSON.parse(readFileSync(join(t.runDir, 'spec.json'), 'utf8'));
      expect(spec.training.optimizer.learningRate).toBe(t.params['training.optimizer.learningRate']);
      expect(spec.model.layers[0].units).toBe(t.params['model.layers[0].units']);
    }
    const log = records(res.dir);
    expect(log[0].type).toBe('sweep-start');
    expect(log.filter((x) => x.type === 'trial-finished')).toHaveLength(6);
    expect(log.at(-1).type).toBe('sweep-end');

    const i = cli('sweep-inspect', res.dir, '--json');
    expect(i.code, i.err).toBe(0);
    const ins = JSON.parse(i.out);
    expect(ins.best.trial).toBe(res.best.trial);
    expect(ins.importance.parameters.map((p: { path: string }) => p.path).sort()).toEqual(['model.layers[0].units', 'training.optimizer.learningRate']);
    const text = cli('sweep-inspect', res.dir);
    expect(text.out).toContain('parameter importance');
    expect(text.out).toContain(res.best.trial);
  }, 300_000);

  it('an interrupted sweep resumes in its folder: finished trials are not run again, the configurations stay the same, the interrupted attempt is superseded by attempt 2', async () => {
    // (epochs long enough that the trial interrupted after its first epoch is still training when Ctrl-C lands)
    const file = sweepFiles({
      name: 'resumable', method: 'random', trials: 4, seed: 7, metric: 'val_accuracy', concurrency: 1,
      parameters: { 'training.optimizer.learningRate': { log_uniform: [0.001, 0.1] } },
    });
    writeFileSync(join(file, '..', 'base.json'), JSON.stringify({ ...base, training: { ...base.training, epochs: 12 } }));
    const out = tmp();
    const dir = join(out, 'resumable');
    // Ctrl-C once the first trial has finished and the second has finished an epoch
    const child = spawn(process.execPath, [BIN, 'sweep', file, '--out', out, '--workers', '1', '--backend', 'wasm'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    await expect.poll(() => /t001 completed/.test(err) && epochsOnDisk(dir, 't002') >= 1, { timeout: 120_000, interval: 50 }).toBe(true);
    child.kill('SIGINT');
    const code = await exited;
    expect(code, err).toBe(130);
    const first = records(dir);
    const finishedBefore = first.filter((x) => x.type === 'trial-finished').map((x) => x.trial);
    expect(finishedBefore).toEqual(['t001']);
    expect(first.some((x) => x.type === 'sweep-end')).toBe(false);
    const interrupted = join(dir, first.find((x) => x.type === 'trial-started' && x.trial === 't002').runDir);
    expect(runEnd(interrupted)).toMatchObject({ status: 'stopped' });

    // a record mid-log damaged meanwhile (t001's start: its finish is still there) is skipped and said once
    const lines = readFileSync(join(dir, 'sweep.jsonl'), 'utf8').split('\n');
    lines[1] = lines[1].slice(0, 20);
    writeFileSync(join(dir, 'sweep.jsonl'), lines.join('\n'));

    const r = cli('sweep', file, '--out', out, '--workers', '1', '--backend', 'wasm', '--json');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('resuming');
    expect(r.err.match(/unreadable record skipped/g)).toHaveLength(1);
    expect(r.err).toContain(`${join(dir, 'sweep.jsonl')}:2: unreadable record skipped (`);
    const res = JSON.parse(r.out);
    expect(res.warnings).toEqual([expect.stringMatching(/sweep\.jsonl:2: unreadable record skipped \(/)]);
    expect(res.dir).toBe(dir);
    expect(res.trials.map((t: { status: string }) => t.status)).toEqual(Array(4).fill('completed'));
    expect(res.trials.map((t: { attempt: number }) => t.attempt)).toEqual([1, 2, 1, 1]);
    const all = records(dir).filter((x) => x !== null);
    expect(all.filter((x) => x.type === 'sweep-start')).toHaveLength(1); // the same configurations, drawn once
    expect(all.filter((x) => x.type === 'trial-started' && x.trial === 't001')).toHaveLength(0);
    expect(all.filter((x) => x.type === 'trial-started' && x.trial === 't002').map((x) => x.attempt)).toEqual([1, 2]);
    expect(new Set(all.filter((x) => x.type === 'trial-finished').map((x) => x.trial)).size).toBe(4);
    // the interrupted attempt had trained: kept, its run-end naming the attempt that replaced it; one folder per trial besides
    const rerun = res.trials[1].runDir;
    expect(all.filter((x) => x.type === 'attempt-superseded')).toEqual([expect.objectContaining({ trial: 't002', attempt: 1, by: 2, removed: false })]);
    const end = runEnd(interrupted);
    expect(end).toMatchObject({ status: 'stopped', supersededBy: { attempt: 2, runId: basename(rerun) } });
    expect(end.reason).toMatch(new RegExp(`^superseded by attempt 2 \\(${basename(rerun)}\\): `));
    expect(end.epochs).toBeGreaterThanOrEqual(1);
    const folders = readdirSync(join(dir, 'trials')).map((f) => join(dir, 'trials', f)).sort();
    expect(folders).toEqual([...res.trials.map((t: { runDir: string }) => t.runDir), interrupted].sort());

    // sweep-inspect counts each trial once, with its attempts, and says the same about the damaged line
    const i = cli('sweep-inspect', dir, '--json');
    expect(i.code, i.err).toBe(0);
    const ins = JSON.parse(i.out);
    expect(ins.trials.map((t: { trial: string; attempt: number; runDir: string }) => [t.trial, t.attempt, t.runDir])).toEqual(res.trials.map((t: { trial: string; attempt: number; runDir: string }) => [t.trial, t.attempt, t.runDir]));
    expect(i.err).toMatch(/sweep\.jsonl:2: unreadable record skipped/);
  }, 300_000);

  it('sweep-inspect skips a record it cannot read mid-log, keeps the rest, and says so in one line (stderr; --json: warnings)', () => {
    const dir = tmp();
    const sweep = { name: 'hand', method: 'grid', trials: 3, seed: 1, metric: 'val_loss', goal: 'minimize', base: 'base.json', parameters: { 'training.optimizer.learningRate': { values: [0.1, 0.01, 0.001] } } };
    const configs = [0.1, 0.01, 0.001].map((v) => ({ 'training.optimizer.learningRate': v }));
    const log = [
      { t: 1, type: 'sweep-start', sweep, base, configs },
      ...configs.flatMap((params, k) => [
        { t: 2 + k, type: 'trial-started', trial: `t00${k + 1}`, params, runDir: `trials/t${k}`, attempt: 1 },
        { t: 5 + k, type: 'trial-finished', trial: `t00${k + 1}`, status: 'completed', metric: 0.5 - k / 10, epochs: 2, runDir: `trials/t${k}` },
      ]),
      { t: 9, type: 'sweep-end', best: { trial: 't003', metric: 0.3 } },
    ].map((x) => JSON.stringify(x));
    log[2] = `${log[2].slice(0, 25)}\u0000\u0000`; // t001's finish, torn by a disk error
    writeFileSync(join(dir, 'sweep.jsonl'), `${log.join('\n')}\n`);
    const text = cli('sweep-inspect', dir);
    expect(text.code, text.err).toBe(0);
    expect(text.err.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^${join(dir, 'sweep.jsonl').replace(/[.]/g, '\\.')}:3: unreadable record skipped \\(.+\\)$`))]);
    expect(text.out).toContain('best: t003');
    const j = cli('sweep-inspect', dir, '--json');
    expect(j.code, j.err).toBe(0);
    const ins = JSON.parse(j.out);
    expect(ins.warnings).toEqual([text.err.trim()]);
    expect(ins.trials.map((t: { status: string }) => t.status)).toEqual(['running', 'completed', 'completed']);
    expect(ins.best.trial).toBe('t003');
  }, 60_000);

  it('--preset optimizers compares all eight optimisers on a spec, each at its own default rate', () => {
    const d = tmp();
    writeFileSync(join(d, 'tiny.json'), JSON.stringify({ ...base, name: 'tiny', training: { ...base.training, epochs: 1 } }));
    const out = tmp();
    const r = cli('sweep', '--preset', 'optimizers', join(d, 'tiny.json'), '--out', out, '--workers', '1', '--backend', 'wasm', '--json');
    expect(r.code, r.err).toBe(0);
    const res = JSON.parse(r.out);
    expect(res.dir).toBe(join(out, 'tiny-optimizers'));
    expect(res.trials.map((t: { params: Record<string, { type: string }> }) => t.params['training.optimizer'].type)).toEqual(['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'nadam', 'adamax']);
    expect(res.trials.every((t: { status: string }) => t.status === 'completed')).toBe(true);
    const sgd = JSON.parse(readFileSync(join(res.trials[0].runDir, 'spec.json'), 'utf8'));
    expect(sgd.training.optimizer).toEqual({ type: 'sgd', learningRate: 0.01 });
    const bad = cli('sweep', '--preset', 'colours', join(d, 'tiny.json'), '--out', out);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--preset: "colours" is not a comparison \(optimizers, initializers/);
  }, 300_000);

  it.each([
    [{ 'model.layers[5].units': { values: [8] } }, /parameters\.model\.layers\[5\]\.units/],
    [{ 'training.optimizer.learningRate': { log_uniform: [0, 0.1] } }, /learningRate/],
    [{ 'model.layers[0].units': { values: [-4, 8] } }, /units/],
  ])('refuses a bad parameter in one line naming the file and the field, before any folder exists (%j)', (parameters, field) => {
    const file = sweepFiles({ name: 'bad', method: 'random', trials: 2, parameters });
    const out = tmp();
    const r = cli('sweep', file, '--out', out);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('sweep.json');
    expect(r.err).toMatch(field);
    expect(existsSync(join(out, 'bad'))).toBe(false);
  }, 60_000);

  it('refuses data that does not load in one line before any trial starts, not once per trial', () => {
    const file = sweepFiles({ name: 'nodata', method: 'grid', parameters: { seed: { values: [1, 2] } } });
    writeFileSync(join(file, '..', 'base.json'), JSON.stringify({ ...base, data: { train: { type: 'csv', path: 'rows.csv', label: 'y' }, validation: 0.2 } }));
    writeFileSync(join(file, '..', 'rows.csv'), 'a,b,y\n1,2,0\n1,x\n');
    const out = tmp();
    const r = cli('sweep', file, '--out', out);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/rows\.csv: line 3: 2 columns, header has 3/);
    expect(existsSync(join(out, 'nodata'))).toBe(false);
  }, 60_000);
});
