// The engine in a process of its own, started by a host (Electron's utility process, the
// browser-mode server). A crash or a hang here never takes the window or the server with it.
// It serves the engine service's commands: trains one run at a time, writing the run folder and
// streaming events to the host in batches, or runs one tool on a spec.
import { basename } from 'node:path';
import type { RunEvent } from '../../../shared/events.ts';
import { validateSpec } from '../../../shared/spec.ts';
import { dispatch, type EngineCommandOf, type EngineService } from '../../../shared/engine-service.ts';
import { parseToolOptions } from '../../../shared/tools/framework/define.ts';
import { Trainer } from '../train/trainer.ts';
import { createRunDir, RunWriter } from '../run/run-folder.ts';
import { parentChannel } from './channel.ts';
import { parseEngineRequest, type EngineConfig, type EngineReply } from './protocol.ts';
import { engineTool } from '../tools/registry.ts';
import { useHostProbes } from '../backends/select.ts';
import { ModelFiles } from '../model-io/model-files-service.ts';

const FLUSH_MS = 50; // events reach the renderer within a frame or three, in batches
/** A heartbeat the host watches: it stops when a synchronous kernel hangs the event loop. */
const HEARTBEAT_MS = 1000;
/** Tool progress reaches the host at most this often. */
const PROGRESS_MS = 100;

const channel = parentChannel();
const send = (m: EngineReply) => channel.send(m);
let config: EngineConfig = { runsDir: 'runs', baseDir: process.cwd(), backend: 'auto' };
let trainer: Trainer | null = null;
let toolRunning: { id: string; abort: AbortController } | null = null;

function checkedSpec(raw: unknown): ReturnType<typeof validateSpec> & { message?: string } {
  const v = validateSpec(raw);
  return v.ok ? v : { ...v, message: `spec: ${v.issues[0].path}: ${v.issues[0].message}` };
}

async function start(c: EngineCommandOf<'start'>) {
  if (trainer || toolRunning) { send({ type: 'error', message: trainer ? 'a run is already in progress: stop it first' : `the engine is busy with ${toolRunning!.id}` }); return; }
  const v = checkedSpec(c.spec);
  if (!v.ok) { send({ type: 'error', message: v.message! }); return; }
  // (each step waits for the events sent before it to leave: the sample images at the start must not hold the losses back)
  const t = new Trainer({ spec: v.spec, baseDir: config.baseDir, backend: config.backend, dataDirs: config.dataDirs, beforeStep: () => channel.drained(),
    // (each phase's message leaves before the phase's synchronous work holds the event loop)
    onPhase: (phase) => { send({ type: 'preparing', phase }); return channel.drained(); } });
  trainer = t;
  let runDir: string, writer: RunWriter;
  try {
    await t.prepare();
    // (an unusable runs folder is an error for the client, with the path and the OS's reason; the engine stays up)
    runDir = createRunDir(config.runsDir, v.spec.name);
    writer = new RunWriter(runDir, t.spec);
  } catch (e) {
    trainer = null;
    send({ type: 'error', message: (e as Error).message });
    return;
  }
  const runId = basename(runDir);
  let batch: RunEvent[] = [];
  const flush = () => { if (batch.length) { send({ type: 'events', runId, events: batch, persisted: writer.persisted }); batch = []; } };
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
    if (writer.failed) send({ type: 'error', message: `${writer.failed.message}; the run's events up to then are in the folder, the rest were shown but not saved` });
    t.built?.model.dispose();
    trainer = null;
  }
}

/** A debugging tool on a spec, when no run trains and no other tool runs. */
async function tool(c: EngineCommandOf<'tool'>) {
  const id = c.tool, requestId = c.requestId;
  const fail = (message: string) => send({ type: 'error', tool: id, ...(requestId ? { requestId } : {}), message });
  if (trainer || toolRunning) { fail(`the engine is busy: ${id} runs when no run is training and no other tool runs`); return; }
  const t = engineTool(id);
  if (!t) { fail(`${id}: no such tool in this engine`); return; }
  const v = checkedSpec(c.spec);
  if (!v.ok) { fail(v.message!); return; }
  const o = parseToolOptions(t.definition, c.options);
  if (!o.ok) { fail(o.error); return; }
  const abort = new AbortController();
  toolRunning = { id, abort };
  let last = 0;
  try {
    const result = await t.run(v.spec, {
      baseDir: config.baseDir, backend: config.backend, dataDirs: config.dataDirs, signal: abort.signal,
      onProgress: (progress) => {
        const now = Date.now();
        if (now - last < PROGRESS_MS && progress.done < progress.total) return;
        last = now;
        send({ type: 'tool-progress', tool: id, progress, ...(requestId ? { requestId } : {}) });
      },
    }, o.options);
    send({ type: 'tool-result', tool: id, result, ...(requestId ? { requestId } : {}) });
  } catch (e) {
    fail(`${id}: ${(e as Error).message}`);
  } finally {
    toolRunning = null;
  }
}

const modelFiles = new ModelFiles(() => config.runsDir, send);

const service: EngineService = {
  'import-model': (c) => void modelFiles.importPart(c),
  'export-model': (c) => void modelFiles.export(c),
  start: (c) => void start(c),
  tool: (c) => void tool(c),
  pause: () => trainer?.pause(),
  resume: () => trainer?.resume(),
  stop: () => { trainer?.stop(); toolRunning?.abort.abort(); },
  evaluate: () => trainer?.request('evaluate'),
};

channel.onMessage((raw) => {
  const r = parseEngineRequest(raw);
  if (!r.ok) { send({ type: 'error', message: r.error }); return; }
  const m = r.request;
  if (m.type === 'configure') {
    const { type: _t, ...rest } = m;
    config = rest;
    if (rest.probes) useHostProbes(rest.probes);
    return;
  }
  dispatch(service, m);
});
setInterval(() => send({ type: 'heartbeat' }), HEARTBEAT_MS).unref();
send({ type: 'ready' });
