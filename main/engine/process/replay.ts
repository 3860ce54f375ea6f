// Replaying a run's events to a renderer that missed some (a page reloaded mid-run, a second
// window opened late): the run folder's log holds what the engine has written, and the tail
// holds what it has streamed but not yet written (the log is flushed about once a second).
// Every event carries its index in the run's stream (`i`), so the two join without a gap and a
// renderer can drop what it already has.
import { existsSync, readdirSync, readFileSync, type Dirent } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseEvent, type RunEvent } from '../../../shared/events.ts';
import { EVENTS_FILE, withData } from '../run/run-folder.ts';

/** Events per replay message: a long run's log goes out in pieces a page can take in. */
export const REPLAY_CHUNK = 500;
/** The tail keeps at most this many events: if the log stops being written (a full disk), the oldest go. */
const MAX_TAIL = 50_000;

/** A run's folder under the runs folder, if `runId` names one; never a path outside it. */
export function runFolderOf(runsDir: string, runId: string): string | null {
  if (!/^[\w.-]+$/.test(runId) || runId === '.' || runId === '..') return null;
  const dir = join(runsDir, runId);
  if (existsSync(join(dir, EVENTS_FILE))) return dir;
  // a sweep's trial: <runs>/<sweep>/trials/<runId>
  let entries: Dirent[];
  try { entries = readdirSync(runsDir, { withFileTypes: true }); } catch { return null; }
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const trial = join(runsDir, e.name, 'trials', runId);
    if (existsSync(join(trial, EVENTS_FILE))) return trial;
  }
  return null;
}

// The index is the last field of every line the engine writes: lines before `from` are skipped
// without parsing them (a long run's log is tens of megabytes).
const INDEX_AT_END = /"i":(\d+)\}\s*$/;

/** The events of a run folder's log from stream index `from` (lines that do not read are left out). */
export async function readEventsFrom(dir: string, from: number): Promise<RunEvent[]> {
  const text = await readFile(join(dir, EVENTS_FILE), 'utf8');
  const events: RunEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const m = INDEX_AT_END.exec(line);
    if (m && Number(m[1]) < from) continue;
    let raw: unknown;
    try { raw = JSON.parse(line); } catch { continue; } // a torn last line: the tail has that event
    const r = parseEvent(raw);
    if (!r.ok) continue;
    // (a log written before events had an index is replayed whole)
    if (r.event.i !== undefined && r.event.i < from) continue;
    try {
      events.push(withData(dir, r.event));
    } catch {
      continue; // a data file that is missing or names a path outside the folder: the event is left out
    }
  }
  return events;
}

/** The latest run's events that its log may not hold yet. */
export class Tail {
  runId: string | null = null;
  runDir: string | null = null;
  private events: RunEvent[] = [];

  reset(runId: string, runDir: string) {
    this.runId = runId;
    this.runDir = runDir;
    this.events = [];
  }

  /** Streamed events; `persisted`: the engine reports every event before it is in the log. */
  add(events: RunEvent[], persisted?: number) {
    this.events.push(...events);
    let drop = 0;
    if (persisted !== undefined) while (drop < this.events.length && (this.events[drop].i ?? Infinity) < persisted) drop++;
    drop = Math.max(drop, this.events.length - MAX_TAIL);
    if (drop > 0) this.events.splice(0, drop);
  }

  /** A copy, taken before the log is read: whatever is not in that copy was in the log by then. */
  snapshot(): RunEvent[] {
    return this.events.slice();
  }
}

/**
 * The log's events and the tail's, each index once, in index order. A union, not "the tail after
 * the log's last index": after a crash the log can end with a run-end the host wrote past
 * events that only the tail holds.
 */
export function joinTail(logged: RunEvent[], tail: RunEvent[], from: number): RunEvent[] {
  const have = new Set(logged.map((e) => e.i));
  const all = [...logged, ...tail.filter((e) => e.i !== undefined && e.i >= from && !have.has(e.i))];
  // (a log written after a crash can hold events out of order: the host appended what only the stream had)
  const ordered = all.every((e, k) => k === 0 || (e.i ?? -1) >= (all[k - 1].i ?? -1));
  return ordered ? all : all.sort((a, b) => (a.i ?? -1) - (b.i ?? -1));
}

/** The stream indices a run folder's log holds (whole lines only). */
export function loggedIndices(dir: string): Set<number> {
  const found = new Set<number>();
  let text: string;
  try { text = readFileSync(join(dir, EVENTS_FILE), 'utf8'); } catch { return found; }
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const m = INDEX_AT_END.exec(line);
    if (m) { found.add(Number(m[1])); continue; }
    try {
      const i = (JSON.parse(line) as { i?: unknown }).i;
      if (typeof i === 'number') found.add(i);
    } catch { /* a torn line */ }
  }
  return found;
}
