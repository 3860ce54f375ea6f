// Quitting `trainscope serve` (Ctrl-C) while a run trains ends that run as stopped, with its
// run-end in the folder: the same as pressing Stop, not a killed engine and an interrupted run.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSocket, serveStub } from './probes.ts';
import { readRun } from '../../main/engine/run/run-folder.ts';
import { summarizeRun } from '../../main/engine/run/summary.ts';

describe('serve shutdown', () => {
  it('a run in progress ends stopped, with its run-end, when the server closes', async () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'trainscope-runs-'));
    const server = await serveStub(runsDir);
    const ws = await openSocket(server);
    ws.send(JSON.stringify({ type: 'start', spec: { name: 'long', data: { train: { type: 'synthetic', name: 'moons', samples: 2000 } }, model: { layers: [{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 2, activation: 'softmax' }] }, training: { epochs: 500 } } }));
    await expect.poll(() => readdirSync(runsDir).length, { timeout: 60_000 }).toBe(1);
    const runDir = join(runsDir, readdirSync(runsDir)[0]);
    await expect.poll(() => readFileSync(join(runDir, 'events.jsonl'), 'utf8').includes('"type":"step"'), { timeout: 60_000 }).toBe(true);
    ws.close();
    await server.close();
    const s = summarizeRun(readRun(runDir));
    expect(s.status).toBe('stopped');
    expect(s.steps).toBeGreaterThan(0);
  }, 120_000);
});

describe('refusals go to the tab that asked', () => {
  it('a second start while a run trains is refused on the asking socket only', async () => {
    const server = await serveStub();
    const open = () => openSocket(server);
    const [a, b] = [await open(), await open()];
    const errors = { a: [] as string[], b: [] as string[] };
    a.on('message', (d) => { const m = JSON.parse(String(d)); if (m.type === 'error') errors.a.push(m.message); });
    b.on('message', (d) => { const m = JSON.parse(String(d)); if (m.type === 'error') errors.b.push(m.message); });
    const spec = { name: 'long', data: { train: { type: 'synthetic', name: 'moons', samples: 2000 } }, model: { layers: [{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 2, activation: 'softmax' }] }, training: { epochs: 500 } };
    a.send(JSON.stringify({ type: 'start', spec }));
    await expect.poll(() => server.supervisor.state.state, { timeout: 60_000 }).toBe('running');
    b.send(JSON.stringify({ type: 'start', spec }));
    await expect.poll(() => errors.b.length, { timeout: 10_000 }).toBe(1);
    expect(errors.b[0]).toMatch(/already in progress/);
    await new Promise((r) => setTimeout(r, 300));
    expect(errors.a).toEqual([]);
    a.close(); b.close();
    await server.close();
  }, 120_000);
});
