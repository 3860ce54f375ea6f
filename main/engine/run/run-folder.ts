// The run folder: spec.json, an append-only events.jsonl, and checkpoints/. A run killed mid-way
// leaves a folder that still reads: every line is a whole event, a torn last line is skipped.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { base64ToBytes, bytesToBase64 } from '../../../shared/base64.ts';
import { stringifyJson } from '../../../shared/json-number.ts';
import { PROTOCOL_VERSION, parseEvent, type RunEvent, type RunEventBody } from '../../../shared/events.ts';
import { InputError, OutputError } from '../errors.ts';

export const EVENTS_FILE = 'events.jsonl';
export const SPEC_FILE = 'spec.json';
export const CHECKPOINT_DIR = 'checkpoints';
/** checkpoints/final: the weights a run ended with (checkpoints/best and latest come from training.checkpoint) */
export const FINAL_CHECKPOINT = 'final';

function stamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** A new, unique folder under `outDir` named after the run. */
export function createRunDir(outDir: string, name: string): string {
  const base = join(outDir, `${name.replace(/[^\w.-]+/g, '_')}-${stamp()}`);
  let dir = base;
  for (let i = 2; existsSync(dir); i++) dir = `${base}-${i}`;
  try {
    makeDirs(dir);
  } catch (e) {
    throw new OutputError(outDir, e);
  }
  return dir;
}

/**
 * mkdir -p, one level at a time from the deepest folder that exists. Node's recursive mkdir
 * loops for ever where a file system answers ENOENT for a folder whose parent exists (/proc/sys),
 * and reports ENOENT for a read-only file system; made level by level, the first folder that
 * cannot be made says why (EROFS, EACCES, ENOTDIR...).
 */
export function makeDirs(dir: string) {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'EEXIST') continue; // made meanwhile by someone else
      if (err.code === 'ENOENT' && existsSync(dirname(d))) Object.assign(err, { reason: `this file system does not allow folders in ${dirname(d)}` });
      throw err;
    }
  }
}

/**
 * The runs folder a host will write every run into, made if missing and checked writable now,
 * so an unusable one is a one-line error at start-up rather than at the first run.
 */
export function checkRunsFolder(dir: string) {
  const probe = join(dir, `.trainscope-probe-${process.pid}`);
  try {
    makeDirs(dir);
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (e) {
    throw new OutputError(dir, e);
  }
}

/** Appends events as JSON lines; flushes to disk at least every `flushMs` and on important events. */
export class RunWriter {
  private fd: number;
  private buffer: string[] = [];
  /** the stream index (`i`) after the last buffered event */
  private bufferedTo = 0;
  private lastFlush = Date.now();
  /** every event before this stream index is on disk: a host replays those from the file, the rest from memory */
  persisted = 0;
  /** the first write that failed (a full disk mid-run): writing stops, the run goes on, the host reports it */
  failed: OutputError | null = null;

  constructor(readonly dir: string, spec: unknown, private readonly flushMs = 1000) {
    try {
      makeDirs(dir);
      // (written whole or not at all: a full disk must not leave an empty spec.json)
      const tmp = join(dir, `${SPEC_FILE}.tmp`);
      writeFileSync(tmp, `${JSON.stringify(spec, null, 2)}\n`);
      renameSync(tmp, join(dir, SPEC_FILE));
      this.fd = openSync(join(dir, EVENTS_FILE), 'a');
    } catch (e) {
      rmSync(join(dir, `${SPEC_FILE}.tmp`), { force: true });
      throw new OutputError(dir, e);
    }
  }

  write(e: RunEvent) {
    if (this.failed) return;
    try {
      this.writeEvent(e);
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(err: unknown) {
    this.failed ??= new OutputError(this.dir, err);
    for (const d of ['predictions', 'samples']) {
      const sub = join(this.dir, d);
      if (existsSync(sub)) for (const f of readdirSync(sub)) if (f.endsWith('.tmp')) rmSync(join(sub, f), { force: true });
    }
    this.buffer = [];
  }

  private writeEvent(e: RunEvent) {
    // Bulky numbers go to binary files beside the log; the logged event names the file.
    if ((e.type === 'predictions' || e.type === 'samples') && e.data !== undefined) {
      const file = e.type === 'predictions' ? `predictions/${e.split}-e${String(e.epoch).padStart(4, '0')}.f32` : `samples/${e.split}.bin`;
      makeDirs(join(this.dir, dirname(file)));
      const tmp = join(this.dir, `${file}.tmp`);
      writeFileSync(tmp, base64ToBytes(e.data));
      renameSync(tmp, join(this.dir, file));
      const { data: _omit, ...rest } = e;
      e = { ...rest, file } as RunEvent;
    }
    this.buffer.push(`${stringifyJson(e)}\n`);
    if (e.i !== undefined) this.bufferedTo = e.i + 1;
    if (e.type !== 'step' || Date.now() - this.lastFlush > this.flushMs) this.flush();
  }

  flush() {
    if (!this.buffer.length || this.fd < 0 || this.failed) return;
    try {
      writeSync(this.fd, this.buffer.join(''));
    } catch (e) {
      this.fail(e);
      return;
    }
    this.buffer = [];
    this.persisted = this.bufferedTo;
    this.lastFlush = Date.now();
  }

  close() {
    if (this.fd < 0) return;
    this.flush();
    try { fsyncSync(this.fd); } catch (e) { this.fail(e); }
    closeSync(this.fd);
    this.fd = -1;
  }
}

/** Stamps an engine event body with the protocol version and time. */
export function stampEvent(body: RunEventBody): RunEvent {
  return { v: PROTOCOL_VERSION, t: Date.now(), ...body } as RunEvent;
}

export interface RunRecord {
  dir: string;
  spec: unknown;
  events: RunEvent[];
  /** lines that could not be read (a torn last line after a crash, foreign content) */
  skipped: { line: number; error: string }[];
}

export function readRun(dir: string): RunRecord {
  const eventsFile = join(dir, EVENTS_FILE);
  if (!existsSync(eventsFile)) throw new InputError(dir, `not a run folder (no ${EVENTS_FILE})`);
  let spec: unknown = null;
  try {
    spec = JSON.parse(readFileSync(join(dir, SPEC_FILE), 'utf8'));
  } catch { /* the spec is also inside run-start; a missing spec.json is not fatal */ }
  const events: RunEvent[] = [];
  const skipped: RunRecord['skipped'] = [];
  let text: string;
  try {
    text = readFileSync(eventsFile, 'utf8');
  } catch (e) {
    throw new InputError(eventsFile, `cannot be read (${(e as NodeJS.ErrnoException).code === 'EISDIR' ? 'it is a directory' : (e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      skipped.push({ line: i + 1, error: i === lines.length - 1 ? 'torn last line (run interrupted while writing)' : 'not JSON' });
      return;
    }
    const r = parseEvent(raw);
    if (r.ok) events.push(r.event); else skipped.push({ line: i + 1, error: r.error });
  });
  return { dir, spec: spec ?? events.find((e) => e.type === 'run-start')?.spec ?? null, events, skipped };
}

/**
 * The file an event names, inside its run folder. A log is foreign input (an imported folder,
 * a crafted line): a name that leads out of the folder (`../../x`, an absolute path) is refused.
 */
export function fileInRun(dir: string, file: string): string {
  const outside = () => new InputError(join(dir, EVENTS_FILE), `an event names the file "${file.slice(0, 200)}", which is outside the run folder`);
  const inside = (root: string, p: string) => { const rel = relative(root, p); return !!rel && !rel.startsWith('..') && !isAbsolute(rel); };
  const path = resolve(dir, file);
  if (!inside(resolve(dir), path)) throw outside();
  // ...and where it really is: a symlink in a crafted folder (samples/x.bin -> /etc/passwd) leads out too
  let real: string;
  try { real = realpathSync(path); } catch { return path; } // missing: reading it says so
  if (!inside(realpathSync(dir), real)) throw outside();
  return path;
}

/** An event read from a run folder with its binary file loaded back into `data` (for hosts that stream it). */
export function withData<E extends RunEvent>(dir: string, e: E): E {
  if ((e.type === 'predictions' || e.type === 'samples') && e.file && e.data === undefined) {
    const b = readFileSync(fileInRun(dir, e.file));
    // as the engine streamed it: the data inline, no file name
    const { file: _file, ...rest } = e;
    return { ...rest, data: bytesToBase64(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)) } as E;
  }
  return e;
}
