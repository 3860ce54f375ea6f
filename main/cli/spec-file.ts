// Reading a spec file for any command: JSON errors and schema errors become one line naming
// the file, the field and the problem.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type RunSpec, validateSpec } from '../../shared/spec.ts';
import { InputError } from '../engine/errors.ts';

export interface LoadedSpec { spec: RunSpec; file: string; baseDir: string }

export function loadSpecFile(path: string): LoadedSpec {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(path, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(path, `not valid JSON (${(e as Error).message})`);
  }
  const r = validateSpec(json);
  if (!r.ok) {
    const [first, ...rest] = r.issues;
    throw new InputError(path, `${first.path}: ${first.message}${rest.length ? ` (and ${rest.length} more: ${rest.map((i) => i.path).join(', ')})` : ''}`);
  }
  return { spec: r.spec, file, baseDir: dirname(file) };
}

/** Spec fields an engine error can name: such an error is about this spec file, and says so. */
const SPEC_SECTIONS = /^(model|data|training|instruments|diagnosis|overfit)\b/;

/** Runs `work` on a loaded spec; an InputError about one of the spec's fields gets the spec file's name in front. */
export async function aboutSpec<T>(path: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof InputError && SPEC_SECTIONS.test(e.where)) throw new InputError(`${path}: ${e.where}`, e.problem);
    throw e;
  }
}
