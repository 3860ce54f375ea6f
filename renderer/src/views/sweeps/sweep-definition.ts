// The Sweeps view's form as a sweep object: the ticked fields with their values or ranges, the
// method and its settings, or a preset's parameters. The object is what `trainscope sweep` reads
// from a file (with the base spec inline), checked by the same `validateSweep` the host runs, and
// every problem is filed under the form control it belongs to, so it shows at that field.
import type { SweepMetric, SweepParameter } from '../../../../shared/sweep/sweep-spec.ts';
import { validateSweep, type SweepIssue } from '../../../../shared/sweep/validate.ts';
import { gridSize } from '../../../../shared/sweep/sample.ts';
import type { SweepField } from './sweep-fields.ts';

export type RangeMode = 'values' | 'uniform' | 'log_uniform' | 'int_uniform';
export type Method = 'grid' | 'random' | 'asha';

export interface FieldDraft { on: boolean; mode: RangeMode; values: string; low: string; high: string }

export interface PresetParameters { id: string; title: string; expect: string; parameters: Record<string, SweepParameter> }

export interface SweepDraft {
  name: string;
  method: Method;
  /** null: the grid's size (grid), else required */
  trials: number | null;
  seed: number;
  metric: SweepMetric;
  goal: 'auto' | 'minimize' | 'maximize';
  concurrency: number;
  asha: { minEpochs: number; maxEpochs: number; reductionFactor: number };
  /** by spec path */
  fields: Record<string, FieldDraft>;
  /** a preset's parameters (whole objects with labels): sent as they are, instead of the ticked fields */
  preset: PresetParameters | null;
}

/** The modes a field's kind allows: a list always; ranges for numbers. */
export function modesFor(f: SweepField): RangeMode[] {
  if (f.kind === 'choice') return ['values'];
  if (f.kind === 'int') return ['values', 'int_uniform'];
  return ['values', 'uniform', 'log_uniform'];
}

export const MODE_TITLES: Record<RangeMode, string> = { values: 'values', uniform: 'uniform', log_uniform: 'log-uniform', int_uniform: 'int-uniform' };

const num = (v: number) => String(Number(v.toPrecision(3)));

/** A field as first ticked: three values around the spec's (a tenth and ten times for a rate). */
export function defaultFieldDraft(f: SweepField): FieldDraft {
  let values: string, low = '', high = '';
  if (f.kind === 'choice') {
    const other = f.options!.find((o) => o !== f.current) ?? f.current;
    values = `${f.current}, ${other}`;
  } else if (f.kind === 'int') {
    const v = Number(f.current);
    const list = [...new Set([Math.max(1, Math.round(v / 2)), v, v * 2])];
    values = list.join(', ');
    low = String(list[0]); high = String(list[list.length - 1]);
  } else {
    const v = Number(f.current);
    if (f.below1) { values = [0.1, 0.3, 0.5].join(', '); low = '0'; high = '0.5'; }
    else if (v > 0) { values = [v / 10, v, v * 10].map(num).join(', '); low = num(v / 10); high = num(v * 10); }
    else { values = f.logScale ? '0, 0.0001, 0.001' : '0, 0.1, 1'; low = f.logScale ? '0.00001' : '0'; high = f.logScale ? '0.01' : '1'; }
  }
  return { on: true, mode: 'values', values, low, high };
}

export interface BuiltSweep {
  /** the sweep object as the host takes it (base: the run spec itself) */
  sweep: Record<string, unknown>;
  /** problems by form control: a field's spec path, or 'name', 'trials', 'metric', 'asha', 'concurrency', 'parameters', 'base', 'sweep' */
  issues: Map<string, string[]>;
  /** the grid's size when every parameter is a list, else null */
  gridSize: number | null;
  /** how many trials will run (null when it cannot be said) */
  trials: number | null;
}

function add(m: Map<string, string[]>, key: string, message: string) {
  const list = m.get(key) ?? [];
  if (!list.includes(message)) list.push(message);
  m.set(key, list);
}

/** One field's parameter, or the reason the form's text cannot make one. */
export function fieldParameter(f: SweepField, d: FieldDraft): { parameter: SweepParameter } | { problem: string } {
  if (d.mode === 'values') {
    const items = d.values.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (!items.length) return { problem: 'give at least one value (a comma list, e.g. 0.001, 0.01)' };
    if (f.kind === 'choice') {
      const bad = items.find((s) => !f.options!.includes(s));
      if (bad !== undefined) return { problem: `"${bad}" is not one of ${f.options!.join(', ')}` };
      const unique = [...new Set(items)];
      return { parameter: f.toValue ? { values: unique.map(f.toValue), labels: unique } : { values: unique } };
    }
    const values: number[] = [];
    for (const s of items) {
      const v = Number(s);
      if (!Number.isFinite(v)) return { problem: `"${s}" is not a number` };
      if (f.kind === 'int' && !Number.isInteger(v)) return { problem: `${s}: ${f.label} takes whole numbers` };
      if (!values.includes(v)) values.push(v);
    }
    return { parameter: { values } };
  }
  const lo = Number(d.low), hi = Number(d.high);
  if (d.low.trim() === '' || !Number.isFinite(lo)) return { problem: `the low end "${d.low}" is not a number` };
  if (d.high.trim() === '' || !Number.isFinite(hi)) return { problem: `the high end "${d.high}" is not a number` };
  if (d.mode === 'uniform') return { parameter: { uniform: [lo, hi] } };
  if (d.mode === 'log_uniform') return { parameter: { log_uniform: [lo, hi] } };
  return { parameter: { int_uniform: [lo, hi] } };
}

/** Where an issue of validateSweep goes in the form. */
export function issueKey(path: string, fieldPaths: readonly string[]): string {
  if (path.startsWith('parameters.')) {
    const p = path.slice('parameters.'.length);
    // longest first: `training.optimizer.learningRate` before `training.optimizer`
    const f = [...fieldPaths].sort((a, b) => b.length - a.length).find((q) => p === q || p.startsWith(`${q}.`) || p.startsWith(`${q}[`));
    return f ?? 'parameters';
  }
  if (path.startsWith('base')) return 'base';
  const top = /^[A-Za-z]+/.exec(path)?.[0] ?? '';
  return ['name', 'method', 'trials', 'seed', 'metric', 'goal', 'concurrency', 'asha', 'parameters'].includes(top) ? top : 'sweep';
}

/** validateSweep's words, a little plainer: zod's "Too small: expected number to be >=1" reads as ">= 1". */
export function plainIssue(i: SweepIssue): string {
  return i.message
    .replace(/^Too small: expected (\w+) to be /, 'must be ')
    .replace(/^Too big: expected (\w+) to be /, 'must be ')
    .replace(/^Invalid input: expected (\w+), received (\w+)/, 'needs a $1 (it is $2)')
    .replace(/([<>]=?)(\d)/g, '$1 $2');
}

/** The sweep the form describes, its problems by form control, and how many trials it runs. */
export function buildSweep(draft: SweepDraft, fields: readonly SweepField[], base: unknown): BuiltSweep {
  const issues = new Map<string, string[]>();
  const parameters: Record<string, SweepParameter> = {};
  if (draft.preset) Object.assign(parameters, draft.preset.parameters);
  else {
    // in the field list's order: the optimiser object is set before its learning rate, so both apply
    for (const f of fields) {
      const d = draft.fields[f.path];
      if (!d?.on) continue;
      const r = fieldParameter(f, d);
      if ('problem' in r) add(issues, f.path, r.problem);
      else parameters[f.path] = r.parameter;
    }
  }
  const sweep: Record<string, unknown> = {
    name: draft.name, base, method: draft.method, seed: draft.seed, metric: draft.metric, concurrency: draft.concurrency, parameters,
    ...(draft.trials !== null ? { trials: draft.trials } : {}),
    ...(draft.goal !== 'auto' ? { goal: draft.goal } : {}),
    ...(draft.method === 'asha' ? { asha: { ...draft.asha } } : {}),
  };
  const size = Object.keys(parameters).length ? gridSize(parameters) : null;
  const grid = size !== null && Number.isFinite(size) ? size : null;
  const fieldPaths = fields.map((f) => f.path).concat(Object.keys(draft.preset?.parameters ?? {}));
  const check = validateSweep(sweep, base);
  if (!check.ok) for (const i of check.issues) add(issues, issueKey(i.path, fieldPaths), plainIssue(i));
  // a field whose text could not be read is not in the sweep: "name at least one parameter" would only confuse
  if (issues.size > 1 && issues.get('parameters')?.every((m) => m.startsWith('name at least one'))) issues.delete('parameters');
  const trials = check.ok ? check.sweep.trials : draft.method === 'grid' ? (draft.trials ?? grid) : draft.trials;
  return { sweep, issues, gridSize: grid, trials };
}

/** A name for a sweep's folder from a run's name: letters, digits, _ . - only. */
export function sweepName(specName: string, suffix = 'sweep'): string {
  const clean = specName.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'run';
  return `${clean}-${suffix}`.slice(0, 100);
}

/** Rough steps per epoch of a spec, for the schedules preset's decay steps (the engine knows the real number). */
export function estimateStepsPerEpoch(spec: { data: { train: { type: string; samples?: number }; limit: number | null; validation: unknown; test: unknown }; training: { batchSize: number } }): number {
  const t = spec.data.train;
  let n = t.type === 'synthetic' ? (t.samples ?? 1000) : t.type === 'mnist-digits' ? 10_000 : 60_000;
  if (spec.data.limit) n = Math.min(n, spec.data.limit);
  const held = (typeof spec.data.validation === 'number' ? spec.data.validation : 0) + (typeof spec.data.test === 'number' ? spec.data.test : 0);
  return Math.max(1, Math.ceil((n * (1 - held)) / spec.training.batchSize));
}
