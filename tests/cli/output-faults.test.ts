// The output folder failing under a run: a full disk, a read-only file system, a path through a
// file. Each is exit 2 with the path and the OS's reason, never a stack trace, and nothing half
// written is left behind (no empty spec.json, no *.tmp). Full and read-only file systems are small
// tmpfs mounts, where this machine allows mounting; elsewhere those cases report themselves skipped.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmp } from '../helpers.ts';

const ROOT = join(__dirname, '../..');
const SPEC = join(ROOT, 'tests/fixtures/diagnosis/hidden-big-init-deep-tanh.json');
const train = (out: string) => spawnSync(process.execPath, [join(ROOT, 'bin/trainscope.mjs'), 'train', SPEC, '--out', out, '--backend', 'cpu'], { encoding: 'utf8' });

const mounts: string[] = [];
/** A tmpfs of `size` at a fresh folder, or the reason it cannot be mounted here. */
function tmpfs(options: string): string | { skip: string } {
  const dir = tmp('trainscope-fs-');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) return { skip: `cannot mount a tmpfs here (${(r.stderr || r.error?.message || 'not permitted').trim()})` };
  mounts.push(dir);
  return dir;
}
afterAll(() => { for (const m of mounts) spawnSync('umount', [m]); });

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]));
}

describe('the output folder fails', () => {
  it('a path through a file: exit 2, the path and ENOTDIR', () => {
    const file = join(tmp(), 'a-file');
    writeFileSync(file, 'x');
    const r = train(join(file, 'runs'));
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(`trainscope: ${join(file, 'runs')}: cannot write the run folder (ENOTDIR: a part of the path is a file, not a folder)`);
  });

  // Node's recursive mkdir loops for ever there (the kernel answers ENOENT for a folder under /proc/sys)
  it.skipIf(!existsSync('/proc/sys'))('a folder the file system cannot hold (/proc/sys): exit 2 at once, not a hang', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/trainscope.mjs'), 'train', SPEC, '--out', '/proc/sys/trainscope-runs', '--backend', 'cpu'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toBe('trainscope: /proc/sys/trainscope-runs: cannot write the run folder (ENOENT: this file system does not allow folders in /proc/sys)');
  });

  it('serve with a runs folder it cannot write: exit 2 at start-up, before anything listens', () => {
    const file = join(tmp(), 'a-file');
    writeFileSync(file, 'x');
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/trainscope.mjs'), 'serve', '--runs', file], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stdout).not.toContain('http://');
    expect(r.stderr.trim()).toBe(`trainscope: ${file}: cannot write the run folder (ENOTDIR: a part of the path is a file, not a folder)`);
  });

  const full = tmpfs('size=64k');
  it.skipIf(typeof full !== 'string')(`a disk that fills up mid-run: exit 2, no stack trace, no *.tmp left${typeof full === 'string' ? '' : ` (skipped: ${full.skip})`}`, () => {
    const out = join(full as string, 'runs');
    const r = train(out);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^trainscope: .*: cannot write the run folder \(ENOSPC: no space left on the device\)$/);
    const files = walk(out);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const spec = files.find((f) => f.endsWith('spec.json'));
    if (spec) expect(JSON.parse(readFileSync(spec, 'utf8')).name).toBe('hidden-big-init-deep-tanh'); // whole, or absent
  });

  const ro = tmpfs('ro,size=64k');
  it.skipIf(typeof ro !== 'string')(`a read-only file system: exit 2, EROFS (not ENOENT), nothing written${typeof ro === 'string' ? '' : ` (skipped: ${ro.skip})`}`, () => {
    const r = train(join(ro as string, 'runs'));
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(`trainscope: ${join(ro as string, 'runs')}: cannot write the run folder (EROFS: read-only file system)`);
    expect(existsSync(join(ro as string, 'runs'))).toBe(false);
  });
});
