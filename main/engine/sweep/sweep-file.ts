// Reading a sweep file: its JSON, its base run spec (inline, or a file relative to the sweep's
// folder), and every parameter checked against that base before anything runs. Problems are one
// InputError line naming the file and the field.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { validateSweep, type SweepSpec } from '../../../shared/sweep/validate.ts';
import { comparisonPresets } from '../../../shared/sweep/presets.ts';
import { validateSpec } from '../../../shared/spec.ts';
import { prepareData } from '../data/load.ts';

export interface LoadedSweep {
  sweep: SweepSpec;
  file: string;
  /** the base run spec as written (defaults are applied per trial, after its parameters are set) */
  base: unknown;
  /** relative data paths in the base spec resolve from here: the base spec file's folder, or the sweep's for an inline base */
  baseDir: string;
}

function readJson(path: string, shownAs: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(shownAs, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(shownAs, `not valid JSON (${(e as Error).message})`);
  }
}

/**
 * One of the course's comparisons (shared/sweep/presets.ts) built from a run spec file, as a sweep
 * with that spec inline. The steps per epoch (for the schedules) come from loading its data.
 */
export function presetSweep(specPath: string, preset: string): LoadedSweep {
  const file = resolve(specPath);
  const raw = readJson(file, specPath);
  const v = validateSpec(raw);
  if (!v.ok) throw new InputError(specPath, `${v.issues[0].path}: ${v.issues[0].message}`);
  const baseDir = dirname(file);
  const ids = comparisonPresets(v.spec, 1).map((p) => p.id);
  if (!ids.includes(preset as never)) throw new InputError('--preset', `"${preset}" is not a comparison (${ids.join(', ')}; a spec without hidden layers has only optimizers and schedules)`);
  const n = preset === 'schedules' ? prepareData(v.spec, baseDir).train.n : 0;
  const chosen = comparisonPresets(v.spec, Math.max(1, Math.ceil(n / v.spec.training.batchSize))).find((p) => p.id === preset)!;
  const check = validateSweep(chosen.sweep, chosen.sweep.base);
  if (!check.ok) throw new InputError(specPath, `--preset ${preset}: ${check.issues[0].path}: ${check.issues[0].message}`);
  return { sweep: check.sweep, file, base: chosen.sweep.base, baseDir };
}

export function loadSweepFile(path: string): LoadedSweep {
  const file = resolve(path);
  const raw = readJson(file, path);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InputError(path, 'a sweep file holds one JSON object');
  const baseField = (raw as { base?: unknown }).base;
  let base: unknown = baseField;
  let baseDir = dirname(file);
  if (typeof baseField === 'string') {
    const baseFile = resolve(dirname(file), baseField);
    base = readJson(baseFile, `${path}: base (${baseField})`);
    baseDir = dirname(baseFile);
  }
  const v = validateSweep(raw, base);
  if (!v.ok) {
    const [first, ...rest] = v.issues;
    throw new InputError(path, `${first.path}: ${first.message}${rest.length ? ` (and ${rest.length} more: ${rest.map((i) => i.path).join(', ')})` : ''}`);
  }
  return { sweep: v.sweep, file, base, baseDir };
}

/**
 * Loads the base spec's data once, on this machine, before any trial starts: a missing or corrupt
 * dataset is then one line, not the same failure in every trial. (Not for a queue, whose workers
 * may find their data elsewhere.)
 */
export function preflightData(loaded: LoadedSweep, shownAs: string): void {
  const v = validateSpec(loaded.base);
  if (!v.ok) return; // validateSweep has refused it already
  try {
    prepareData(v.spec, loaded.baseDir);
  } catch (e) {
    if (e instanceof InputError) throw e; // names the data file and the field already
    throw new InputError(`${shownAs}: base: data`, (e as Error).message);
  }
}

