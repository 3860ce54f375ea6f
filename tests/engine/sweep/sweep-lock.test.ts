// One sweep at a time in a folder: a second coordinator is refused in one line naming the holder;
// a lock left by a process that is gone, or torn by a crash, is taken over.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { lockSweepFolder, SWEEP_LOCK } from '../../../main/engine/sweep/sweep-lock.ts';
import { tmp } from '../../helpers.ts';

describe('the sweep folder lock', () => {
  it('refuses a second sweep while the first holds the folder, and lets go when asked', () => {
    const d = tmp();
    const unlock = lockSweepFolder(d);
    expect(JSON.parse(readFileSync(join(d, SWEEP_LOCK), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    // (the holder is this test's own parent: a live process other than this one)
    writeFileSync(join(d, SWEEP_LOCK), JSON.stringify({ pid: process.ppid, host: hostname(), since: 0 }));
    expect(() => lockSweepFolder(d)).toThrow(new RegExp(`another sweep is running in this folder \\(process ${process.ppid} on `));
    unlock();
    expect(existsSync(join(d, SWEEP_LOCK))).toBe(false);
    lockSweepFolder(d)();
  });

  it('takes over a lock whose process is gone, and one torn mid-write', () => {
    const d = tmp();
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(join(d, SWEEP_LOCK), JSON.stringify({ pid: gone, host: hostname(), since: 0 }));
    const unlock = lockSweepFolder(d);
    expect(JSON.parse(readFileSync(join(d, SWEEP_LOCK), 'utf8')).pid).toBe(process.pid);
    unlock();
    writeFileSync(join(d, SWEEP_LOCK), '{"pid": 12');
    lockSweepFolder(d)();
  });

  it('takes a holder on another machine at its word', () => {
    const d = tmp();
    writeFileSync(join(d, SWEEP_LOCK), JSON.stringify({ pid: 1, host: 'elsewhere.example', since: 0 }));
    expect(() => lockSweepFolder(d)).toThrow(/process 1 on elsewhere\.example/);
  });
});
