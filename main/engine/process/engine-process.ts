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
import type { GradcheckResult } from '../../../shared/host.ts';
import type { InitExplorerResult } from '../../../shared/init-explorer.ts';
import { gradcheck } from '../diagnosis/gradcheck.ts';
import { initExplorer } from '../diagnosis/init-explorer.ts';

export type EngineRequest =
  | { type: 'start'; spec: unknown; runsDir: string; baseDir: string; backend?: BackendChoice }
  | { type: 'overfit' | 'gradcheck' | 'init-explorer'; spec: unknown; baseDir: string; backend?: BackendChoice }
  | { type: 'pause' } | { type: 'resume' } | { type: 'stop' } | { type: 'evaluate' };

export type EngineReply =
  | { type: 'ready' }
  | { type: 'heartbeat' }
  | { type: 'started'; runId: string; runDir: string }
  | { type: 'events'; runId: string; events: RunEvent[] }
  | { type: 'finished'; runId: string; status: string }
  | { type: 'overfit'; result: OverfitResult }
  | { type: 'gradcheck'; result: GradcheckResult }
  | { type: 'init-explorer'; result: InitExplorerResult }
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
/** The debugging tools that run on a spec without a run: overfit check, gradient check, init explorer. */
async function tool(req: Extract<EngineRequest, { type: 'overfit' | 'gradcheck' | 'init-explorer' }>) {
  if (trainer || checking) { send({ type: 'error', message: `the engine is busy: ${req.type} runs when no run is training` }); return; }
  const v = validateSpec(req.spec);
  if (!v.ok) { send({ type: 'error', message: `spec: ${v.issues[0].path}: ${v.issues[0].message}` }); return; }
  checking = true;
  const backend = req.backend ?? 'auto';
  try {
    if (req.type === 'overfit') send({ type: 'overfit', result: await overfitCheck(v.spec, req.baseDir, { backend }) });
    else if (req.type === 'gradcheck') send({ type: 'gradcheck', result: await gradcheck(v.spec, req.baseDir, { backend }) });
    else send({ type: 'init-explorer', result: await initExplorer(v.spec, req.baseDir, { backend }) });
  } catch (e) {
    send({ type: 'error', message: `${req.type}: ${(e as Error).message}` });
  } finally {
    checking = false;
  }
}

channel.onMessage((raw) => {
  const m = raw as EngineRequest;
  switch (m?.type) {
    case 'start': void start(m); break;
    case 'overfit': case 'gradcheck': case 'init-explorer': void tool(m); break;
    case 'pause': trainer?.pause(); break;
    case 'resume': trainer?.resume(); break;
    case 'stop': trainer?.stop(); break;
    case 'evaluate': trainer?.request('evaluate'); break;
    default: send({ type: 'error', message: `unknown engine request ${JSON.stringify((m as { type?: unknown })?.type)}` });
  }
});
setInterval(() => send({ type: 'heartbeat' }), HEARTBEAT_MS).unref();
send({ type: 'ready' });
