// The engine in a process of its own, started by a host (Electron's utility process, the
// browser-mode server). A crash or a hang here never takes the window or the server with it.
// It trains one run at a time, writes the run folder and streams events to the host in batches.
import { basename } from 'node:path';
import type { RunEvent } from '../../../shared/events.ts';
import { validateSpec } from '../../../shared/spec.ts';
import { Trainer } from '../train/trainer.ts';
import { createRunDir, RunWriter } from '../run/run-folder.ts';
import type { BackendChoice } from '../backends/select.ts';
import { parentChannel } from './channel.ts';
import { overfitCheck } from '../overfit/check.ts';
import type { OverfitResult } from '../../../shared/overfit.ts';

export type EngineRequest =
  | { type: 'start'; spec: unknown; runsDir: string; baseDir: string; backend?: BackendChoice }
  | { type: 'overfit'; spec: unknown; baseDir: string; backend?: BackendChoice }
  | { type: 'pause' } | { type: 'resume' } | { type: 'stop' };

export type EngineReply =
  | { type: 'ready' }
  | { type: 'heartbeat' }
  | { type: 'started'; runId: string; runDir: string }
  | { type: 'events'; runId: string; events: RunEvent[] }
  | { type: 'finished'; runId: string; status: string }
  | { type: 'overfit'; result: OverfitResult }
  | { type: 'error'; message: string };

const FLUSH_MS = 50; // events reach the renderer within a frame or three, in batches
/** A heartbeat the host watches: it stops when a synchronous kernel hangs the event loop. */
const HEARTBEAT_MS = 1000;

const channel = parentChannel();
const send = (m: EngineReply) => channel.send(m);
let trainer: Trainer | null = null;

async function start(req: Extract<EngineRequest, { type: 'start' }>) {
  if (trainer) { send({ type: 'error', message: 'a run is already in progress: stop it first' }); return; }
  const v = validateSpec(req.spec);
  if (!v.ok) { send({ type: 'error', message: `spec: ${v.issues[0].path}: ${v.issues[0].message}` }); return; }
  const t = new Trainer({ spec: v.spec, baseDir: req.baseDir, backend: req.backend ?? 'auto' });
  trainer = t;
  try {
    await t.prepare();
  } catch (e) {
    trainer = null;
    send({ type: 'error', message: (e as Error).message });
    return;
  }
  const runDir = createRunDir(req.runsDir, v.spec.name);
  const runId = basename(runDir);
  const writer = new RunWriter(runDir, v.spec);
  let batch: RunEvent[] = [];
  const flush = () => { if (batch.length) { send({ type: 'events', runId, events: batch }); batch = []; } };
  const timer = setInterval(flush, FLUSH_MS);
  t.on((e) => { writer.write(e); batch.push(e); });
  send({ type: 'started', runId, runDir });
  try {
    const end = await t.run({ runDir, runId });
    flush();
    send({ type: 'finished', runId, status: end.status });
  } catch (e) {
    flush();
    send({ type: 'finished', runId, status: 'failed' });
    send({ type: 'error', message: (e as Error).message });
  } finally {
    clearInterval(timer);
    writer.close();
    t.built?.model.dispose();
    trainer = null;
  }
}

let checking = false;
async function overfit(req: Extract<EngineRequest, { type: 'overfit' }>) {
  if (trainer || checking) { send({ type: 'error', message: 'the engine is busy: the overfit check runs when no run is training' }); return; }
  const v = validateSpec(req.spec);
  if (!v.ok) { send({ type: 'error', message: `spec: ${v.issues[0].path}: ${v.issues[0].message}` }); return; }
  checking = true;
  try {
    send({ type: 'overfit', result: await overfitCheck(v.spec, req.baseDir, { backend: req.backend ?? 'auto' }) });
  } catch (e) {
    send({ type: 'error', message: `overfit check: ${(e as Error).message}` });
  } finally {
    checking = false;
  }
}

channel.onMessage((raw) => {
  const m = raw as EngineRequest;
  switch (m?.type) {
    case 'start': void start(m); break;
    case 'overfit': void overfit(m); break;
    case 'pause': trainer?.pause(); break;
    case 'resume': trainer?.resume(); break;
    case 'stop': trainer?.stop(); break;
    default: send({ type: 'error', message: `unknown engine request ${JSON.stringify((m as { type?: unknown })?.type)}` });
  }
});
setInterval(() => send({ type: 'heartbeat' }), HEARTBEAT_MS).unref();
send({ type: 'ready' });
