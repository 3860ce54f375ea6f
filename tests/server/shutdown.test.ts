// Quitting `trainscope serve` (Ctrl-C) while a run trains ends that run as stopped, with its
// run-end in the folder: the same as pressing Stop, not a killed engine and an interrupted run.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import WebSocket from 'ws';
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

describe('Ctrl-C in the terminal', () => {
  it('reaches the server, not the engine: the run ends stopped (the engine has a process group of its own)', async () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'trainscope-runs-'));
    // the server leads a process group, as a shell's foreground job does; Ctrl-C signals the whole group
    const serve = spawn(process.execPath, [join(__dirname, '../../bin/trainscope.mjs'), 'serve', '--runs', runsDir], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    serve.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    const exited = new Promise<number | null>((r) => serve.on('exit', (code) => r(code)));
    await expect.poll(() => /http:\/\/\S+/.test(out), { timeout: 120_000 }).toBe(true);
    const url = new URL(out.match(/http:\/\/\S+/)![0]);
    const ws = new WebSocket(`ws://${url.host}/ws?token=${url.searchParams.get('token')}`, { headers: { origin: `http://${url.host}` } });
    await new Promise((r) => ws.on('open', r));
    ws.send(JSON.stringify({ type: 'start', spec: { name: 'long', data: { train: { type: 'synthetic', name: 'moons', samples: 2000 } }, model: { layers: [{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 2, activation: 'softmax' }] }, training: { epochs: 500 } } }));
    await expect.poll(() => readdirSync(runsDir).filter((d) => d.startsWith('long')).length, { timeout: 60_000 }).toBe(1);
    const runDir = join(runsDir, readdirSync(runsDir).find((d) => d.startsWith('long'))!);
    await expect.poll(() => readFileSync(join(runDir, 'events.jsonl'), 'utf8').includes('"type":"step"'), { timeout: 60_000 }).toBe(true);
    process.kill(-serve.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    expect(summarizeRun(readRun(runDir)).status).toBe('stopped');
  }, 180_000);
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
