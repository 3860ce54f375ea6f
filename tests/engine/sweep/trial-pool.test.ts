// The trial pool with real engine processes (forked as the CLI forks them): trials queue for the
// free engine, a refused spec and a crashed engine end as failed trials without stopping the
// others, and a stopped trial's folder ends with its run-end.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TrialPool } from '../../../main/engine/sweep/trial-pool.ts';
import type { TrialOutcome } from '../../../main/engine/sweep/trial-runner.ts';
import { forkEngine } from '../../../main/server/fork-engine.ts';
import type { EngineProcess } from '../../../main/engine/process/supervisor.ts';
import type { RunEvent } from '../../../shared/events.ts';
import { tmp } from '../../helpers.ts';

const spec = (name: string, epochs = 2) => ({
  name, seed: 1, data: { train: { type: 'synthetic', name: 'moons', samples: 400 } },
  model: { layers: [{ type: 'dense', units: 8, activation: 'relu' }, { type: 'dense', units: 2, activation: 'softmax' }] },
  training: { epochs, batchSize: 32 },
});

const lastEvent = (runDir: string) => JSON.parse(readFileSync(join(runDir, 'events.jsonl'), 'utf8').trim().split('\n').at(-1)!) as RunEvent;

let pool: TrialPool | null = null;
afterEach(async () => { await pool?.close(); pool = null; });

describe('trial pool', () => {
  it('runs more trials than engines, one at a time per engine, each to a whole run folder', async () => {
    const runsDir = tmp();
    let spawned = 0;
    pool = new TrialPool({ workers: 2, spawn: () => { spawned++; return forkEngine(); }, runsDir, baseDir: '.', backend: 'wasm' });
    const epochsSeen = new Map<string, number>();
    const handles = ['a', 'b', 'c'].map((n) => pool!.run(spec(n), (e) => { if (e.type === 'epoch') epochsSeen.set(n, e.epoch + 1); }));
    const outcomes = await Promise.all(handles.map((h) => h.done));
    expect(outcomes.map((o) => o.status)).toEqual(['completed', 'completed', 'completed']);
    for (const o of outcomes) expect(lastEvent(o.runDir!).type).toBe('run-end');
    expect(new Set(outcomes.map((o) => o.runDir)).size).toBe(3);
    expect([...epochsSeen.values()]).toEqual([2, 2, 2]);
    expect(spawned).toBe(2); // the third trial reused a warm engine
  }, 120_000);

  it('a spec the engine refuses fails that trial alone, with the engine\'s reason', async () => {
    pool = new TrialPool({ workers: 1, spawn: forkEngine, runsDir: tmp(), baseDir: '.', backend: 'wasm' });
    const bad = pool.run({ ...spec('bad'), model: { layers: [{ type: 'dense', units: -3 }] } });
    const good = pool.run(spec('good', 1));
    const [b, g] = await Promise.all([bad.done, good.done]);
    expect(b.status).toBe('failed');
    expect(b.runDir).toBeNull();
    expect(b.reason).toMatch(/units/);
    expect(g.status).toBe('completed');
  }, 120_000);

  it('stop ends a running trial as stopped, its folder closed by a run-end', async () => {
    pool = new TrialPool({ workers: 1, spawn: forkEngine, runsDir: tmp(), baseDir: '.', backend: 'wasm' });
    let stopped = false;
    const h = pool.run(spec('long', 200), (e) => { if (e.type === 'epoch' && !stopped) { stopped = true; h.stop(); } });
    const o: TrialOutcome = await h.done;
    expect(o.status).toBe('stopped');
    expect(o.end!.epochs).toBeLessThan(200);
    expect(lastEvent(o.runDir!).type).toBe('run-end');
  }, 120_000);

  it('an engine killed mid-trial fails that trial (its folder gets the run-end) and the next trial gets a fresh engine', async () => {
    const procs: EngineProcess[] = [];
    pool = new TrialPool({ workers: 1, spawn: () => { const p = forkEngine(); procs.push(p); return p; }, runsDir: tmp(), baseDir: '.', backend: 'wasm' });
    let killed = false;
    const first = pool.run(spec('doomed', 200), (e) => { if (e.type === 'epoch' && !killed) { killed = true; procs[0].kill(); } });
    const second = pool.run(spec('after', 1));
    const [a, b] = await Promise.all([first.done, second.done]);
    expect(a.status).toBe('failed');
    expect(a.reason).toMatch(/killed/);
    expect(existsSync(a.runDir!)).toBe(true);
    expect(lastEvent(a.runDir!)).toMatchObject({ type: 'run-end', status: 'failed' });
    expect(b.status).toBe('completed');
    expect(procs.length).toBe(2);
  }, 120_000);
});
