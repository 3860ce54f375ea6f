// Where a sweep lives: <runs>/<sweep name>. Started again, an unfinished sweep resumes in its
// folder; a finished one is left as it is, and the new sweep goes to <name>-2, -3...
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { missingStart, parseSweepLog } from '../../../shared/sweep/log.ts';
import { stringifyJson } from '../../../shared/json-number.ts';
import { InputError } from '../errors.ts';
import { SWEEP_LOG } from './run-sweep.ts';

export function sweepFolder(out: string, name: string, definition: unknown): { dir: string; resuming: boolean } {
  for (let i = 1; ; i++) {
    const dir = join(out, i === 1 ? name : `${name}-${i}`);
    const log = join(dir, SWEEP_LOG);
    if (!existsSync(log)) return { dir, resuming: false };
    // (a line that cannot be read is skipped here; the sweep or sweep-inspect reading the log says so)
    const { records, skipped } = parseSweepLog(readFileSync(log, 'utf8'));
    if (records.some((r) => r.type === 'sweep-end')) continue;
    const start = records.find((r) => r.type === 'sweep-start') as { sweep?: unknown } | undefined;
    // (without it the configurations are lost: nothing to resume)
    if (!start) throw new InputError(log, `${missingStart(skipped)}: remove the folder to start the sweep over`);
    if (stringifyJson(start?.sweep) !== stringifyJson(definition)) {
      throw new InputError(dir, `holds an unfinished sweep named ${name} with a different definition: rename this sweep, or remove the folder to start over`);
    }
    return { dir, resuming: true };
  }
}
