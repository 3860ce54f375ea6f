// The bad-input corpus (tests/fixtures/bad-input/cases.json): each broken spec or data file ends
// with exit 2 and one line naming the file, the field and the problem; never "internal error",
// never a run folder, and never an echo of a file that is not what the spec says it is.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmp } from '../helpers.ts';

const ROOT = join(__dirname, '../..');
const DIR = join(ROOT, 'tests/fixtures/bad-input');
const cases = JSON.parse(readFileSync(join(DIR, 'cases.json'), 'utf8')) as { spec: string; message: string }[];

describe('bad input: one line, exit 2, nothing written', () => {
  it.each(cases.map((c) => [c.spec, c.message]))('%s', (spec, message) => {
    const out = tmp();
    // (no TRAINSCOPE_DATA and a home folder of its own: a developer's data folders never answer for a case)
    const env = { ...process.env, TRAINSCOPE_DATA: '', HOME: tmp() };
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/trainscope.mjs'), 'train', join(DIR, spec), '--out', join(out, 'runs'), '--backend', 'cpu'], { encoding: 'utf8', env });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^trainscope: .*${message}`));
    expect(r.stderr).not.toMatch(/root|daemon/); // no file contents echoed
    expect(existsSync(join(out, 'runs'))).toBe(false);
  });
});
