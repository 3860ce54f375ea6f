// The engine process's life as a host sees it: hangs before a run starts, a quit while a step
// never ends, and what the engine prints, kept where a user of a packaged app can find it.
import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineSupervisor, ENGINE_LOG, type EngineProcess } from '../../../main/engine/process/supervisor.ts';
import { readRun } from '../../../main/engine/run/run-folder.ts';
import type { RunEvent } from '../../../shared/events.ts';
import type { EngineRequest } from '../../../main/engine/process/protocol.ts';
import type { HostMessage } from '../../../shared/host.ts';
import { tmp } from '../../helpers.ts';

/** A scripted engine: `onSend` decides what it answers; `say` and `print` speak for it. */
type Speaker = { say: (m: unknown) => void; print: (t: string) => void; exit: (code: number) => void };
function fakeEngine(onSend: (m: EngineRequest, engine: Speaker) => void) {
  const e = new EventEmitter();
  const engine = { say: (m: unknown) => e.emit('message', m), print: (t: string) => e.emit('output', t), exit: (code: number) => e.emit('exit', code, null) };
  const state = { killed: false, sent: [] as EngineRequest[] };
  const proc: EngineProcess = {
    send: (m) => { state.sent.push(m); onSend(m, engine); },
    onMessage: (l) => e.on('message', l),
    onExit: (l) => e.on('exit', l),
    onOutput: (l) => e.on('output', l),
    kill: () => { state.killed = true; e.emit('exit', null, 'SIGKILL'); },
  };
  return { proc, engine, state };
}

const spec = { name: 'x', data: { train: { type: 'synthetic', name: 'moons' } }, model: { layers: [{ type: 'dense', units: 2, activation: 'softmax' }] } };

describe('engine process lifecycle', () => {
  it('a hang before the run starts (loading a backend or data) is caught too, at five times the limit, and the renderers are told', async () => {
    const { proc, state } = fakeEngine(() => { /* never answers a start */ });
    const sup = new EngineSupervisor({ spawn: () => proc, runsDir: tmp(), baseDir: '.', hangAfterMs: 100 });
    const broadcast: HostMessage[] = [];
    sup.subscribe((m) => broadcast.push(m));
    sup.command({ type: 'start', spec }, () => {});
    await expect.poll(() => sup.state.state, { timeout: 5_000 }).toBe('crashed');
    expect(state.killed).toBe(true);
    // (preparing a run is allowed five times the limit of a running one)
    expect(broadcast.find((m) => m.type === 'error')).toMatchObject({ message: expect.stringMatching(/^the engine stopped responding for 0\.5 s/) });
    sup.dispose();
  });

  it('an idle engine is not a hung one: between runs its silence is not a hang', async () => {
    const { proc, engine, state } = fakeEngine((m, engine) => {
      if (m.type === 'tool') setTimeout(() => engine.say({ type: 'tool-result', tool: 'init-explorer', result: {} }), 10);
    });
    const sup = new EngineSupervisor({ spawn: () => proc, runsDir: tmp(), baseDir: '.', hangAfterMs: 200 });
    sup.command({ type: 'tool', tool: 'init-explorer', spec }, () => {});
    await expect.poll(() => sup.toolRun).toBeNull();
    await new Promise((r) => setTimeout(r, 700)); // idle, silent, well past the limit
    expect(sup.state.state).toBe('idle');
    expect(state.killed).toBe(false);
    void engine;
    sup.dispose();
  });

  it('quitting while the engine is stuck in a step: the run still ends stopped, in its folder', async () => {
    const runsDir = tmp();
    const runDir = join(runsDir, 'stuck-1');
    mkdirSync(runDir);
    writeFileSync(join(runDir, 'events.jsonl'), '{"v":2,"t":1,"i":0,"type":"status","status":"running","step":0}\n'); // as the engine wrote it
    const { proc } = fakeEngine((m, engine) => {
      if (m.type !== 'start') return;
      engine.say({ type: 'started', runId: 'stuck-1', runDir });
      engine.say({ type: 'events', runId: 'stuck-1', events: [{ v: 2, t: 1, i: 0, type: 'status', status: 'running', step: 0 }, { v: 2, t: 2, i: 1, type: 'step', step: 0, epoch: 0, loss: 1, lr: 0.1 }] });
      // ...and then nothing: a stop is never acted on
    });
    const sup = new EngineSupervisor({ spawn: () => proc, runsDir, baseDir: '.', hangAfterMs: 60_000 });
    sup.command({ type: 'start', spec }, () => {});
    await expect.poll(() => sup.state.state).toBe('running');
    const t0 = Date.now();
    await sup.shutdown(400);
    expect(Date.now() - t0).toBeLessThan(3_000);
    const end = readRun(runDir).events.find((e) => e.type === 'run-end');
    expect(end).toMatchObject({ status: 'stopped', i: 2, steps: 1, reason: expect.stringMatching(/the app quit before the engine could finish/) });
  });

  it('a crash with steps streamed but not yet written: the folder gets them, then run-end after every index', async () => {
    const runsDir = tmp();
    const runDir = join(runsDir, 'crash-1');
    mkdirSync(runDir);
    const step = (i: number) => ({ v: 2, t: 0, i, type: 'step', step: i, epoch: 0, loss: 1, lr: 0.1 }) as RunEvent;
    // the engine's writer had flushed 0..2 and (a status, written at once) 10, which it had not sent yet
    writeFileSync(join(runDir, 'events.jsonl'), [...[0, 1, 2].map(step), { v: 2, t: 0, i: 10, type: 'status', status: 'running', step: 9 }].map((e) => `${JSON.stringify(e)}\n`).join(''));
    const f = fakeEngine((m, engine) => {
      if (m.type !== 'start') return;
      engine.say({ type: 'started', runId: 'crash-1', runDir });
      engine.say({ type: 'events', runId: 'crash-1', events: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(step), persisted: 3 });
    });
    const sup = new EngineSupervisor({ spawn: () => f.proc, runsDir, baseDir: '.' });
    sup.command({ type: 'start', spec }, () => {});
    await expect.poll(() => sup.state.state).toBe('running');
    f.engine.exit(139);
    await expect.poll(() => sup.state.state).toBe('crashed');
    const folder = readRun(runDir).events;
    expect(folder.map((e) => e.i).sort((a, b) => a! - b!)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(folder.at(-1)).toMatchObject({ type: 'run-end', i: 11, status: 'failed' });
    const replayed: RunEvent[] = await new Promise((resolve) => {
      const out: RunEvent[] = [];
      sup.command({ type: 'replay', runId: 'crash-1', from: 0 }, (m) => { if (m.type === 'replay') { out.push(...m.events); if (m.done) resolve(out); } });
    });
    expect(replayed.map((e) => e.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    sup.dispose();
  });

  it('what the engine prints goes to engine.log (in the run folder during a run), and a crash names its last error line', async () => {
    const runsDir = tmp();
    const runDir = join(runsDir, 'loud-1');
    mkdirSync(runDir);
    let engineRef: Speaker | null = null;
    const f = fakeEngine((m, engine) => {
      engineRef = engine;
      if (m.type === 'configure') engine.print('tfjs: hello from the engine\n');
      if (m.type === 'start') {
        engine.say({ type: 'started', runId: 'loud-1', runDir });
        engine.print('warning: something the user may want to read\n');
      }
    });
    const sup = new EngineSupervisor({ spawn: () => f.proc, runsDir, baseDir: '.' });
    const messages: HostMessage[] = [];
    sup.subscribe((m) => messages.push(m));
    sup.command({ type: 'start', spec }, () => {});
    await expect.poll(() => sup.state.state).toBe('running');
    expect(readFileSync(join(runsDir, ENGINE_LOG), 'utf8')).toBe('tfjs: hello from the engine\n');
    expect(readFileSync(join(runDir, ENGINE_LOG), 'utf8')).toContain('something the user may want to read');
    // a native abort: minified glue, then the line that says what happened, then the process is gone
    engineRef!.print(`${'var a=function(){'.repeat(40)}\nRuntimeError: memory access out of bounds\n`);
    engineRef!.exit(7);
    await expect.poll(() => sup.state.state).toBe('crashed');
    expect(messages.find((m) => m.type === 'error')).toMatchObject({ message: expect.stringMatching(/^the engine process exited with code 7 \(RuntimeError: memory access out of bounds\);/) });
    expect(readFileSync(join(runDir, ENGINE_LOG), 'utf8')).toContain('RuntimeError: memory access out of bounds');
    sup.dispose();
  });
});
