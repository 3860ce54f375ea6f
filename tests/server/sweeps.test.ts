// Sweeps through the browser mode's host, as the app drives them: a sweep-start over the socket,
// the sweep's state to every tab until it finishes, each trial's events as an ordinary run's
// (so the library stores them), a trial's run replayed from its folder inside the sweep's, a
// refusal to the asking tab alone, and a reconnecting tab welcomed with the sweep.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WebSocket } from 'ws';
import type { Served } from '../../main/server/serve.ts';
import type { HostMessage } from '../../shared/host.ts';
import type { SweepView } from '../../shared/sweep/view.ts';
import { openSocket, serveStub } from './probes.ts';

let server: Served;
let runsDir: string;
beforeAll(async () => {
  runsDir = mkdtempSync(join(tmpdir(), 'trainscope-runs-'));
  server = await serveStub(runsDir);
});
afterAll(async () => { await server?.close(); });

const base = {
  name: 'sw', seed: 1, data: { train: { type: 'synthetic', name: 'moons', samples: 300 }, validation: 0.2 },
  model: { layers: [{ type: 'dense', units: 8, activation: 'relu' }, { type: 'dense', units: 2, activation: 'softmax' }] },
  training: { epochs: 2, batchSize: 30 }, instruments: { every: 5 },
};

function listen(ws: WebSocket): HostMessage[] {
  const got: HostMessage[] = [];
  ws.on('message', (d) => got.push(JSON.parse(String(d))));
  return got;
}

describe('sweeps in the browser mode', () => {
  it('runs a sweep from the socket: state updates to the end, trial events under their run ids, replays from the trial folders', async () => {
    const ws = await openSocket(server);
    const got = listen(ws);
    ws.send(JSON.stringify({ type: 'sweep-start', sweep: { name: 'app-grid', base, method: 'grid', concurrency: 1, parameters: { 'training.optimizer.learningRate': { values: [0.003, 0.03] } } } }));
    const last = () => got.filter((m): m is Extract<HostMessage, { type: 'sweep' }> => m.type === 'sweep').at(-1)?.sweep;
    await expect.poll(() => last()?.status, { timeout: 120_000, interval: 200 }).toBe('finished');
    const view = last() as SweepView;
    expect(view.id).toBe('app-grid');
    expect(view.trials.map((t) => t.status)).toEqual(['completed', 'completed']);
    expect(view.best?.trial).toMatch(/^t00[12]$/);
    for (const t of view.trials) {
      expect(t.runId).toBeTruthy();
      expect(existsSync(join(runsDir, 'app-grid', 'trials', t.runId!, 'events.jsonl'))).toBe(true);
      const events = got.filter((m) => m.type === 'events' && m.runId === t.runId).flatMap((m) => (m as { events: { type: string }[] }).events);
      expect(events[0].type).toBe('run-start');
      expect(events.at(-1)!.type).toBe('run-end');
    }
    // a tab that missed a trial's events gets them from the trial's folder
    const runId = view.trials[0].runId!;
    ws.send(JSON.stringify({ type: 'replay', runId, from: 0 }));
    await expect.poll(() => got.some((m) => m.type === 'replay' && m.runId === runId && m.done), { timeout: 10_000 }).toBe(true);
    const replayed = got.filter((m) => m.type === 'replay' && m.runId === runId).flatMap((m) => (m as { events: { type: string }[] }).events);
    expect(replayed[0].type).toBe('run-start');
    expect(replayed.at(-1)!.type).toBe('run-end');
    // a tab that connects now is welcomed with the sweep
    const late = await openSocket(server);
    const lateGot = listen(late);
    late.send(JSON.stringify({ type: 'hello', v: 2 }));
    await expect.poll(() => lateGot.find((m) => m.type === 'welcome')).toBeTruthy();
    expect((lateGot.find((m) => m.type === 'welcome') as { sweep: SweepView }).sweep.id).toBe('app-grid');
    ws.close();
    late.close();
  }, 180_000);

  it('refuses a bad sweep to the asking tab alone, in one line naming the field', async () => {
    const asker = await openSocket(server);
    const other = await openSocket(server);
    const a = listen(asker), o = listen(other);
    asker.send(JSON.stringify({ type: 'sweep-start', sweep: { name: 'bad', base, method: 'grid', parameters: { 'model.layers[7].units': { values: [3] } } } }));
    asker.send(JSON.stringify({ type: 'sweep-start', sweep: { name: 'bad2', base: 'base.json', method: 'grid', parameters: { seed: { values: [1] } } } }));
    await expect.poll(() => a.filter((m) => m.type === 'error').length).toBe(2);
    const errors = a.filter((m) => m.type === 'error') as { message: string; sweep?: boolean }[];
    expect(errors[0].message).toMatch(/parameters\.model\.layers\[7\]\.units/);
    expect(errors[0].sweep).toBe(true);
    expect(errors[1].message).toMatch(/base: the app sends the run spec itself/);
    await new Promise((r) => setTimeout(r, 300));
    expect(o.filter((m) => m.type === 'error')).toHaveLength(0);
    asker.close();
    other.close();
  });

  it('sweep-stop stops the running trials; the sweep ends stopped and resumes when started again', async () => {
    const ws = await openSocket(server);
    const got = listen(ws);
    const sweep = { name: 'app-stop', base: { ...base, training: { epochs: 40, batchSize: 10 } }, method: 'grid', parameters: { seed: { values: [1, 2] } } };
    ws.send(JSON.stringify({ type: 'sweep-start', sweep }));
    const last = () => (got.filter((m) => m.type === 'sweep').at(-1) as { sweep: SweepView } | undefined)?.sweep;
    await expect.poll(() => last()?.trials[0]?.epochs ?? 0, { timeout: 60_000, interval: 100 }).toBeGreaterThan(0);
    ws.send(JSON.stringify({ type: 'sweep-stop' }));
    await expect.poll(() => last()?.status, { timeout: 60_000, interval: 100 }).toBe('stopped');
    expect(last()!.trials.every((t) => t.status === 'queued')).toBe(true); // interrupted trials run again on resume
    ws.close();
  }, 120_000);
});
