// An attempt at a trial that did not end by itself (its sweep was interrupted, its worker was
// lost) is superseded when the trial starts again. An attempt that finished no epoch holds
// nothing worth keeping and would show in the run library as a second copy of the trial: its
// folder goes. One that finished epochs is kept (its curves may explain what went wrong), and its
// run-end says which attempt replaced it, so no one mistakes it for the trial's result.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PROTOCOL_VERSION, type RunEndEvent, type RunEvent } from '../../../shared/events.ts';
import { stringifyJson } from '../../../shared/json-number.ts';
import { EVENTS_FILE, readRun } from '../run/run-folder.ts';

export interface SupersededBy {
  attempt: number;
  /** the new attempt's run folder name */
  runId: string;
}

/** What became of the superseded attempt's folder (null: there was none); `end`: the run-end it now ends with, when kept. */
export interface Superseded { removed: boolean; epochs: number; end?: RunEndEvent }

const PREFIX = 'superseded by attempt';

export function supersedeAttempt(runDir: string, by: SupersededBy): Superseded | null {
  if (!existsSync(runDir)) return null;
  if (!existsSync(join(runDir, EVENTS_FILE))) {
    // made, then cut off before its first event: nothing in it
    rmSync(runDir, { recursive: true, force: true });
    return { removed: true, epochs: 0 };
  }
  const { events } = readRun(runDir);
  const epochs = events.filter((e) => e.type === 'epoch').length;
  if (epochs === 0) {
    rmSync(runDir, { recursive: true, force: true });
    return { removed: true, epochs: 0 };
  }
  const end = markSuperseded(runDir, events, by);
  return { removed: false, epochs, ...(end ? { end } : {}) };
}

/**
 * Ends the folder's log with a run-end naming the attempt that replaced it: the run-end it has
 * gets the note (the run-end stays the log's last event), or one is added where the attempt was
 * cut off without any. The log is replaced whole through a renamed temporary file, so a reader
 * sees the old log or the new one, every line whole.
 */
function markSuperseded(runDir: string, events: readonly RunEvent[], by: SupersededBy): RunEndEvent | null {
  const file = join(runDir, EVENTS_FILE);
  const { head, lastLine } = splitLastLine(readFileSync(file));
  const last = lastLine ? parseRunEnd(lastLine) : null;
  if (last?.reason?.startsWith(PREFIX)) return null; // done by an earlier resume
  const note = `${PREFIX} ${by.attempt} (${by.runId})`;
  const end = last
    ? { ...last, reason: `${note}: ${last.reason ?? last.status}`, supersededBy: by }
    : { ...cutOffEnd(events, `${note}: this attempt was cut off before it ended`), supersededBy: by };
  const keep = last ? head : Buffer.concat([head, lastLine ?? Buffer.alloc(0)]);
  replaceFile(file, Buffer.concat([keep, Buffer.from(`${stringifyJson(end)}\n`)]));
  return end as RunEndEvent;
}

/** The log up to its last whole line, and that line (a torn tail, from a crash mid-write, is dropped). */
function splitLastLine(buf: Buffer): { head: Buffer; lastLine: Buffer | null } {
  let end = buf.lastIndexOf(0x0a) + 1;
  if (end < buf.length && isJson(buf.subarray(end))) end = buf.length; // whole, only its newline missing
  const body = buf.subarray(0, end);
  const trimmed = body.length && body[body.length - 1] === 0x0a ? body.subarray(0, -1) : body;
  if (!trimmed.length) return { head: Buffer.alloc(0), lastLine: null };
  const start = trimmed.lastIndexOf(0x0a) + 1;
  return { head: body.subarray(0, start), lastLine: Buffer.concat([trimmed.subarray(start), Buffer.from('\n')]) };
}

function isJson(b: Buffer): boolean {
  try { JSON.parse(b.toString('utf8')); return true; } catch { return false; }
}

function parseRunEnd(line: Buffer): RunEndEvent | null {
  try {
    const e = JSON.parse(line.toString('utf8')) as { type?: unknown };
    return e.type === 'run-end' ? (e as RunEndEvent) : null;
  } catch {
    return null;
  }
}

/** The run-end of an attempt that got none: what its events say it did. */
function cutOffEnd(events: readonly RunEvent[], reason: string): RunEndEvent {
  const lastStep = events.findLast((e) => e.type === 'step') as { step: number } | undefined;
  return {
    v: PROTOCOL_VERSION, t: Date.now(), i: (events.findLast((e) => e.i !== undefined)?.i ?? -1) + 1, type: 'run-end', status: 'stopped', reason,
    steps: lastStep ? lastStep.step + 1 : 0, epochs: events.filter((e) => e.type === 'epoch').length,
    durationMs: events.length ? Math.max(0, events.at(-1)!.t - events[0].t) : 0, final: { train: null, validation: null, test: null },
  };
}

function replaceFile(file: string, content: Buffer) {
  const tmp = `${file}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
