// The configurations a sweep tries. A grid enumerates every combination (the last parameter
// varies fastest). Random and successive halving draw `trials` configurations from a seeded
// generator; when every parameter is a list and the trials fit in the grid, they draw without
// replacement (a shuffled grid), so no configuration is trained twice.
import type { SweepParameter, SweepSpec } from './sweep-spec.ts';
import { mulberry32 } from '../random.ts';

export type Config = Record<string, unknown>;

/** The most configurations a grid may enumerate (a sweep of more would never finish anyway). */
export const MAX_GRID = 10_000;

export function gridSize(parameters: Record<string, SweepParameter>): number {
  return Object.values(parameters).reduce((n, p) => n * ('values' in p ? p.values.length : Infinity), 1);
}

function grid(parameters: Record<string, SweepParameter>): Config[] {
  let out: Config[] = [{}];
  for (const [path, p] of Object.entries(parameters)) {
    const values = 'values' in p ? p.values : [];
    out = out.flatMap((c) => values.map((v) => ({ ...c, [path]: v })));
  }
  return out;
}

/** The i-th combination of a grid, in grid order, without building the others. */
function gridAt(parameters: Record<string, SweepParameter>, i: number): Config {
  const entries = Object.entries(parameters);
  const out: Config = {};
  for (let k = entries.length - 1; k >= 0; k--) {
    const values = (entries[k][1] as { values: unknown[] }).values;
    out[entries[k][0]] = values[i % values.length];
    i = Math.floor(i / values.length);
  }
  return Object.fromEntries(entries.map(([path]) => [path, out[path]]));
}

function draw(p: SweepParameter, rand: () => number): unknown {
  if ('values' in p) return p.values[Math.floor(rand() * p.values.length)];
  if ('uniform' in p) return p.uniform[0] + rand() * (p.uniform[1] - p.uniform[0]);
  if ('log_uniform' in p) {
    const [lo, hi] = p.log_uniform.map(Math.log);
    return Math.exp(lo + rand() * (hi - lo));
  }
  const [lo, hi] = p.int_uniform;
  return lo + Math.floor(rand() * (hi - lo + 1));
}

export function sampleConfigs(sweep: Pick<SweepSpec, 'method' | 'parameters' | 'trials' | 'seed'>): Config[] {
  // (random draws from a huge grid draw values one by one: the grid is never built)
  const all = Object.values(sweep.parameters).every((p) => 'values' in p) && gridSize(sweep.parameters) <= MAX_GRID ? grid(sweep.parameters) : null;
  if (sweep.method === 'grid') return all ? all.slice(0, sweep.trials) : Array.from({ length: sweep.trials }, (_, i) => gridAt(sweep.parameters, i));
  const rand = mulberry32(sweep.seed);
  if (all && sweep.trials <= all.length) {
    for (let i = all.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [all[i], all[j]] = [all[j], all[i]];
    }
    return all.slice(0, sweep.trials);
  }
  return Array.from({ length: sweep.trials }, () => Object.fromEntries(Object.entries(sweep.parameters).map(([path, p]) => [path, draw(p, rand)])));
}

/** A value as a person reads it in a table: the parameter's label when it has one. */
export function valueLabel(p: SweepParameter | undefined, value: unknown): string | null {
  if (!p || !('values' in p) || !p.labels) return null;
  const i = p.values.findIndex((v) => JSON.stringify(v) === JSON.stringify(value));
  return i >= 0 ? p.labels[i] : null;
}
