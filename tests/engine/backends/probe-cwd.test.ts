// A packaged app, or the CLI started from another folder, must find the backends it ships with:
// the native probe loads the binding by its resolved path, never by a name resolved from the
// current folder (where nothing is installed).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tmp } from '../../helpers.ts';

const ROOT = join(__dirname, '../../..');
const run = (cwd: string, args: string[]) => spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 120_000 });

describe('backend probe from another folder', () => {
  it('loads a binding from a temporary folder exactly as from the repo', () => {
    const outside = tmp('trainscope-cwd-');
    const here = JSON.parse(run(ROOT, [join(ROOT, 'tests/engine/backends/probe-child.mjs')]).stdout);
    const there = JSON.parse(run(outside, [join(ROOT, 'tests/engine/backends/probe-child.mjs')]).stdout);
    expect(there.cwd).toBe(outside);
    expect(here.probe).toBeNull();
    expect(there.probe).toBeNull(); // was "Cannot find module": the probe resolved the name from the current folder
    expect(there.resolved).toBe(here.resolved);
    expect(there.resolved).toMatch(/node_modules\/@tensorflow\/tfjs-backend-wasm\//);
  });

  it('`trainscope doctor` from a temporary folder reports the same backends as from the repo', () => {
    const doctor = (cwd: string) => {
      const r = run(cwd, [join(ROOT, 'bin/trainscope.mjs'), 'doctor', '--json']);
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout).backends;
    };
    const fromRepo = doctor(ROOT);
    expect(doctor(tmp('trainscope-cwd-'))).toEqual(fromRepo);
    expect(fromRepo.find((b: { name: string }) => b.name === 'wasm')).toMatchObject({ ok: true });
  });
});
