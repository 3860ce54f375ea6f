// The engine in its own process: a crash or a hang ends the run as failed (in the run folder
// too), keeps what was recorded, and the next run gets a fresh engine.
import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineSupervisor, type EngineProcess } from '../../../main/engine/process/supervisor.ts';
import { forkEngine } from '../../../main/server/fork-engine.ts';
import { readRun } from '../../../main/engine/run/run-folder.ts';
import { summarizeRun } from '../../../main/engine/run/summary.ts';
import type { HostMessage } from '../../../shared/host.ts';
import type { RunEvent } from '../../../shared/events.ts';
import { tmp } from '../../helpers.ts';

const spec = (epochs: number) => ({
  name: 'crashy', data: { train: { type: 'synthetic', name: 'moons', samples: 400 } },
  model: { layers: [{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 2, activation: 'softmax' }] },
  training: { epochs, batchSize: 8 }, instruments: { every: 5 },
});

function collect(sup: EngineSupervisor) {
  const messages: HostMessage[] = [];
  sup.subscribe((m) => messages.push(m));
  const events = () => messages.flatMap((m) => (m.type === 'events' ? m.events : [] as RunEvent[]));
  return { messages, events };
}

describe('engine supervisor', () => {
  it('a killed engine: the run ends failed with the reason, its data is kept, the next run starts fresh', async () => {
    const runsDir = tmp();
    let spawned = 0;
    const procs: EngineProcess[] = [];
    const sup = new EngineSupervisor({ spawn: () => { spawned++; const p = forkEngine(); procs.push(p); return p; }, runsDir, baseDir: '.' });
    const { messages, events } = collect(sup);
    sup.start({ type: 'start', spec: spec(200) });
    await expect.poll(() => events().filter((e) => e.type === 'step').length, { timeout: 60_000 }).toBeGreaterThan(30);
    // (the folder is flushed at least once a second, independently of the stream: wait until it holds them too)
    const started = () => (messages.find((m) => m.type === 'started') as { runId: string } | undefined)?.runId;
    await expect.poll(() => { const id = started(); return id ? summarizeRun(readRun(join(runsDir, id))).steps : 0; }, { timeout: 20_000 }).toBeGreaterThan(30);
    procs[0].kill();
    await expect.poll(() => sup.state.state, { timeout: 20_000 }).toBe('crashed');
    const end = events().find((e) => e.type === 'run-end');
    expect(end).toMatchObject({ status: 'failed', reason: expect.stringMatching(/killed \(SIGKILL\)/) });
    expect(messages.some((m) => m.type === 'error' && /recorded data is kept/.test(m.message))).toBe(true);
    const runId = (messages.find((m) => m.type === 'started') as { runId: string }).runId;
    const folder = readRun(join(runsDir, runId));
    const summary = summarizeRun(folder);
    expect(summary.status).toBe('failed');
    expect(summary.steps).toBeGreaterThan(30);
    expect(summary.collections).toBeGreaterThan(0);
    expect(readFileSync(join(runsDir, runId, 'events.jsonl'), 'utf8')).toContain('"status":"failed"');

    sup.start({ type: 'start', spec: spec(1) });
    await expect.poll(() => messages.filter((m) => m.type === 'started').length, { timeout: 60_000 }).toBe(2);
    await expect.poll(() => events().filter((e) => e.type === 'run-end').length, { timeout: 60_000 }).toBe(2);
    expect(events().filter((e) => e.type === 'run-end').at(-1)).toMatchObject({ status: 'completed' });
    expect(spawned).toBe(2);
    sup.dispose();
  });

  it('a hung engine is detected by its silence, killed and its run marked failed', async () => {
    const runsDir = tmp();
    const emitter = new EventEmitter();
    let killed = false;
    // An engine that starts a run and then never speaks again (a synchronous kernel that never returns).
    const hung: EngineProcess = {
      send: (m) => { if (m.type === 'start') setTimeout(() => emitter.emit('message', { type: 'started', runId: 'hung-1', runDir: join(runsDir, 'hung-1') }), 10); },
      onMessage: (l) => emitter.on('message', l),
      onExit: (l) => emitter.on('exit', l),
      kill: () => { killed = true; emitter.emit('exit', null, 'SIGKILL'); },
    };
    const sup = new EngineSupervisor({ spawn: () => hung, runsDir, baseDir: '.', hangAfterMs: 300 });
    const { events } = collect(sup);
    sup.start({ type: 'start', spec: spec(1) });
    await expect.poll(() => sup.state.state, { timeout: 5_000 }).toBe('crashed');
    expect(killed).toBe(true);
    expect(events().find((e) => e.type === 'run-end')).toMatchObject({ status: 'failed', reason: 'the engine stopped responding for 0.3 s' });
    sup.dispose();
  });

  it('a bad spec is refused by the engine with a one-line error, and nothing runs', async () => {
    const sup = new EngineSupervisor({ spawn: forkEngine, runsDir: tmp(), baseDir: '.' });
    const { messages } = collect(sup);
    sup.start({ type: 'start', spec: { data: { train: { type: 'synthetic', name: 'moons' } }, model: { layers: [] } } });
    await expect.poll(() => messages.find((m) => m.type === 'error'), { timeout: 30_000 }).toMatchObject({ message: expect.stringMatching(/^spec: model\.layers: /) });
    expect(messages.some((m) => m.type === 'started')).toBe(false);
    sup.dispose();
  });

  it('runs a tool in the engine process: progress, then a result checked against the tool\'s schema; bad options are refused', async () => {
    const sup = new EngineSupervisor({ spawn: forkEngine, runsDir: tmp(), baseDir: '.', backend: 'cpu' });
    const { messages } = collect(sup);
    sup.tool({ type: 'tool', tool: 'init-explorer', spec: spec(1), options: { draws: 3 } });
    await expect.poll(() => messages.find((m) => m.type === 'tool-result'), { timeout: 60_000 }).toBeTruthy();
    const result = messages.find((m) => m.type === 'tool-result') as { tool: string; result: { draws: number; initializers: unknown[] } };
    expect(result.tool).toBe('init-explorer');
    expect(result.result.draws).toBe(3);
    expect(result.result.initializers).toHaveLength(4);
    expect(messages.some((m) => m.type === 'tool-progress' && m.tool === 'init-explorer' && m.progress.total === 12)).toBe(true);
    sup.tool({ type: 'tool', tool: 'overfit', spec: spec(1), options: { steps: -3 } });
    await expect.poll(() => messages.find((m) => m.type === 'error'), { timeout: 30_000 }).toMatchObject({ tool: 'overfit', message: expect.stringMatching(/^overfit option --steps: /) });
    sup.dispose();
  });

  it('one tool at a time: a second request is refused to whoever sent it, Stop ends the running one, and a renderer connecting meanwhile learns it runs', async () => {
    const sup = new EngineSupervisor({ spawn: forkEngine, runsDir: tmp(), baseDir: '.', backend: 'cpu' });
    const { messages } = collect(sup);
    sup.tool({ type: 'tool', tool: 'lr-find', spec: spec(1), options: { steps: 2000, stopFactor: 1e12 }, requestId: 'a' });
    await expect.poll(() => messages.some((m) => m.type === 'tool-progress' && m.requestId === 'a'), { timeout: 60_000 }).toBe(true);
    expect(sup.toolRun).toEqual({ tool: 'lr-find', requestId: 'a' });
    sup.tool({ type: 'tool', tool: 'init-explorer', spec: spec(1), requestId: 'b' });
    expect(messages.find((m) => m.type === 'error')).toMatchObject({ tool: 'init-explorer', requestId: 'b', message: expect.stringMatching(/running lr-find/) });
    sup.stop();
    await expect.poll(() => messages.find((m) => m.type === 'error' && m.requestId === 'a'), { timeout: 30_000 }).toMatchObject({ tool: 'lr-find', message: 'lr-find: stopped by the user' });
    expect(sup.toolRun).toBeNull();
    expect(messages.some((m) => m.type === 'tool-result')).toBe(false);
    sup.dispose();
  });
});
