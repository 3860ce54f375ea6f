// A sweep checked against its base spec before anything runs: every parameter path must name a
// field of the run spec, and every listed value and both ends of every range must give a valid
// run spec. Problems come back as {path, message} pairs for the one-line error.
import { formatPath, validateSpec, type RunSpec } from '../spec.ts';
import { sweepSpecSchema, type SweepParameter, type SweepSpec } from './sweep-spec.ts';
import { formatSpecPath, getAtPath, parseSpecPath, setAtPath, type PathSegment } from './spec-path.ts';
import { gridSize, MAX_GRID } from './sample.ts';

export type { SweepSpec } from './sweep-spec.ts';
export interface SweepIssue { path: string; message: string }
export type SweepCheck = { ok: true; sweep: SweepSpec; base: RunSpec } | { ok: false; issues: SweepIssue[] };

const show = (v: unknown) => {
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/** The run spec a trial trains: the base (its defaults filled in) with the trial's values set, under its own name. */
export function applyConfig(base: unknown, config: Record<string, unknown>, name: string): RunSpec {
  const v = validateSpec(base);
  if (!v.ok) throw new Error(`base: ${v.issues[0].path}: ${v.issues[0].message}`);
  let spec: RunSpec = { ...v.spec, name };
  for (const [path, value] of Object.entries(config)) spec = setAtPath(spec, parseSpecPath(path), value);
  const checked = validateSpec(spec);
  if (!checked.ok) throw new Error(`${name}: ${checked.issues[0].path}: ${checked.issues[0].message}`);
  return checked.spec;
}

/** The values a parameter must allow: every listed one, or both ends of its range. */
function extremes(p: SweepParameter): unknown[] {
  if ('values' in p) return p.values;
  if ('uniform' in p) return p.uniform;
  if ('log_uniform' in p) return p.log_uniform;
  return p.int_uniform;
}

function rangeProblem(p: SweepParameter): string | null {
  if ('uniform' in p) return p.uniform[0] < p.uniform[1] ? null : 'uniform: [low, high] needs low < high';
  if ('log_uniform' in p) return p.log_uniform[0] > 0 && p.log_uniform[0] < p.log_uniform[1] ? null : 'log_uniform: [low, high] needs 0 < low < high';
  if ('int_uniform' in p) {
    const [lo, hi] = p.int_uniform;
    return Number.isInteger(lo) && Number.isInteger(hi) && lo <= hi ? null : 'int_uniform: [low, high] needs whole numbers with low <= high';
  }
  if (p.labels && p.labels.length !== p.values.length) return `labels: ${p.labels.length} labels for ${p.values.length} values`;
  return null;
}

/** A path through a field the run spec does not have (a typo such as `optimiser`), said as such. */
function unknownField(base: RunSpec, segments: PathSegment[]): string | null {
  let spec: RunSpec;
  try { spec = setAtPath(base, segments, 1); } catch { return null; }
  const v = validateSpec(spec);
  const i = v.ok ? null : v.issues.find((x) => /unrecognized key/i.test(x.message));
  return i ? `no such field in the run spec (${i.path}: ${i.message})` : null;
}

/** Why setting `value` at `segments` breaks the spec, in the sweep's words; null when it does not. */
function valueProblem(base: RunSpec, segments: PathSegment[], value: unknown): string | null {
  const typo = unknownField(base, segments);
  if (typo) return typo;
  // a field inside a section the base does not set (training.earlyStopping.patience without early
  // stopping) would create the section, and switch it on, in every trial
  for (let k = 1; k < segments.length; k++) {
    if (getAtPath(base, segments.slice(0, k)) === undefined && typeof segments[k - 1] === 'string') {
      const section = formatSpecPath(segments.slice(0, k));
      return `${section} is not set in the base spec: setting ${formatSpecPath(segments)} would switch it on in every trial; set ${section} in the base spec first`;
    }
  }
  let spec: RunSpec;
  try {
    spec = setAtPath(base, segments, value);
  } catch (e) {
    return `no such field in the base spec (${(e as Error).message})`;
  }
  const v = validateSpec(spec);
  if (v.ok) return null;
  const i = v.issues[0];
  const unknown = /unrecognized key/i.exec(i.message);
  if (unknown) return `no such field in the run spec (${i.path}: ${i.message})`;
  return `${show(value)} does not give a valid run spec (${i.path}: ${i.message})`;
}

/** What a run spec lacks to report the sweep's metric, or null. */
function metricProblem(metric: string, spec: RunSpec): 'validation' | 'accuracy' | null {
  if (metric.startsWith('val_') && spec.data.validation === 0) return 'validation';
  if (metric.endsWith('accuracy') && !spec.training.metrics.includes('accuracy')) return 'accuracy';
  return null;
}

export function validateSweep(raw: unknown, base: unknown): SweepCheck {
  const r = sweepSpecSchema.safeParse(raw);
  if (!r.success) return { ok: false, issues: r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })) };
  const s = r.data;
  const issues: SweepIssue[] = [];
  const b = validateSpec(base);
  if (!b.ok) return { ok: false, issues: b.issues.map((i) => ({ path: `base: ${i.path}`, message: i.message })) };
  const goal = s.goal ?? (s.metric.endsWith('loss') ? 'minimize' : 'maximize');
  if (!Object.keys(s.parameters).length) issues.push({ path: 'parameters', message: 'name at least one parameter to vary' });
  const baseProblem = metricProblem(s.metric, b.spec);
  if (baseProblem === 'validation') issues.push({ path: 'metric', message: `${s.metric} needs a validation split, and the base spec has none (data.validation is 0): use a train_ metric or hold out a fraction` });
  if (baseProblem === 'accuracy') issues.push({ path: 'metric', message: `${s.metric}: the base spec does not measure accuracy (training.metrics)` });

  for (const [path, p] of Object.entries(s.parameters)) {
    const at = `parameters.${path}`;
    let segments: PathSegment[];
    try {
      segments = parseSpecPath(path);
    } catch (e) {
      issues.push({ path: at, message: (e as Error).message });
      continue;
    }
    if (segments[0] === 'name') { issues.push({ path: at, message: 'each trial is named by the sweep; vary something else' }); continue; }
    const range = rangeProblem(p);
    if (range) { issues.push({ path: at, message: range }); continue; }
    if (s.method === 'grid' && !('values' in p)) { issues.push({ path: at, message: 'a grid needs a list of values; for a range use method random or asha' }); continue; }
    if (s.method === 'asha' && segments[0] === 'training' && segments[1] === 'epochs') { issues.push({ path: at, message: 'successive halving sets the epochs itself (asha.maxEpochs)' }); continue; }
    let bad = false;
    for (const value of extremes(p)) {
      const problem = valueProblem(b.spec, segments, value);
      if (problem) { issues.push({ path: at, message: problem }); bad = true; break; }
      // a value that takes away what the metric is measured on (data.validation 0 under val_loss)
      const lost = !baseProblem && metricProblem(s.metric, setAtPath(b.spec, segments, value));
      if (lost) {
        const what = lost === 'validation' ? 'leaves no validation split (data.validation 0)' : 'stops measuring accuracy (training.metrics)';
        issues.push({ path: at, message: `${show(value)} ${what}, and the sweep's metric is ${s.metric}` });
        bad = true;
        break;
      }
    }
    // a continuous range draws fractions: on a whole-number field both ends pass, the draws would not
    if (!bad && ('uniform' in p || 'log_uniform' in p)) {
      const [lo, hi] = 'uniform' in p ? p.uniform : p.log_uniform;
      const inside = lo + (hi - lo) * 0.37;
      if (valueProblem(b.spec, segments, inside)) issues.push({ path: at, message: `a draw such as ${inside} does not give a valid run spec: for a whole-number field use int_uniform` });
    }
  }

  let trials = s.trials;
  if (s.method === 'grid') {
    const size = gridSize(s.parameters);
    if (trials !== undefined && trials > size) issues.push({ path: 'trials', message: `${trials} trials, but the grid has ${size} combinations` });
    else if (trials === undefined && size > MAX_GRID) issues.push({ path: 'parameters', message: `the grid has ${size.toLocaleString('en')} combinations, more than ${MAX_GRID.toLocaleString('en')}: give fewer values, or trials, or use method random` });
    trials ??= size;
  } else if (trials === undefined) {
    issues.push({ path: 'trials', message: `${s.method} draws configurations: say how many (trials)` });
  }
  if (s.method === 'asha') {
    if (!s.asha) issues.push({ path: 'asha', message: 'method asha needs {minEpochs, maxEpochs, reductionFactor}' });
    else if (s.asha.maxEpochs < s.asha.minEpochs) issues.push({ path: 'asha.maxEpochs', message: `${s.asha.maxEpochs} is below minEpochs (${s.asha.minEpochs})` });
  } else if (s.asha) {
    issues.push({ path: 'asha', message: `only for method asha (this sweep's method is ${s.method})` });
  }
  if (issues.length) return { ok: false, issues };
  return { ok: true, sweep: { ...s, goal, trials: trials! }, base: b.spec };
}
