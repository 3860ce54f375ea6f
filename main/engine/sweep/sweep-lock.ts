// One sweep at a time in a folder. Two coordinators appending to the same sweep.jsonl would run
// every unfinished trial twice and interleave their decisions. The lock is a file created
// exclusively, naming its holder; a holder that is gone (its process ended without letting go, a
// crash or kill -9) leaves a stale lock that the next sweep takes over.
import { openSync, closeSync, writeSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InputError, OutputError } from '../errors.ts';

export const SWEEP_LOCK = 'sweep.lock';

interface Holder { pid: number; host: string; since: number }

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

function readHolder(file: string): Holder | null {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as Holder;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? h : null;
  } catch {
    return null; // torn by a crash while it was written: stale
  }
}

/** Takes the folder's lock, or says who holds it; returns the function that lets it go. */
export function lockSweepFolder(dir: string): () => void {
  const file = join(dir, SWEEP_LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new OutputError(file, e);
      const h = readHolder(file);
      // a holder on another machine (a shared folder) cannot be checked: it is taken at its word
      if (h && (h.host !== hostname() || alive(h.pid)) && h.pid !== process.pid) {
        throw new InputError(dir, `another sweep is running in this folder (process ${h.pid} on ${h.host}, since ${new Date(h.since).toISOString()}): wait for it, or stop it`);
      }
      rmSync(file, { force: true }); // stale: its holder is gone
      continue;
    }
    writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: Date.now() } satisfies Holder));
    closeSync(fd);
    return () => rmSync(file, { force: true });
  }
  throw new InputError(dir, 'could not take the sweep lock: another sweep started here at the same moment');
}
