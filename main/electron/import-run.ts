// "Import run folder...": a folder the user picked, read off the main thread's critical path
// (async reads: a long run's log is tens of megabytes) and checked as foreign input: lines that
// are not events are skipped, and an event's data file must lie inside the folder.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseEvent } from '../../shared/events.ts';
import { stringifyJson } from '../../shared/json-number.ts';
import { bytesToBase64 } from '../../shared/base64.ts';
import { InputError } from '../engine/errors.ts';
import { EVENTS_FILE, fileInRun } from '../engine/run/run-folder.ts';

/** The folder's log as the renderer imports it (one event per line, data files inlined). */
export async function readRunForImport(dir: string): Promise<string> {
  const log = join(dir, EVENTS_FILE);
  let text: string;
  try {
    text = await readFile(log, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(dir, code === 'ENOENT' ? `not a run folder (no ${EVENTS_FILE})` : code === 'EISDIR' ? `${EVENTS_FILE} is a folder` : `cannot be read (${code ?? (e as Error).message})`);
  }
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let raw: unknown;
    try { raw = JSON.parse(line); } catch { lines.push(line); continue; } // the renderer counts and reports what it skips
    const r = parseEvent(raw);
    if (!r.ok) { lines.push(line); continue; }
    const e = r.event;
    if ((e.type === 'predictions' || e.type === 'samples') && e.file && e.data === undefined) {
      const path = fileInRun(dir, e.file); // throws for ../../x: the whole import is refused, with the reason
      const { file: _file, ...rest } = e;
      lines.push(stringifyJson({ ...rest, data: bytesToBase64(new Uint8Array(await readFile(path))) }));
    } else {
      lines.push(stringifyJson(e));
    }
  }
  return lines.join('\n');
}
