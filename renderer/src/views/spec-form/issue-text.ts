// A spec issue in the user's words, at the field: "Layer 2 (dense): units must be a whole number
// above 0", not "model.layers[1].units: Too small: expected number to be >0". The form counts
// layers from 1 ("2: dense"), so the message does too; the path stays 0-based, as the JSON has it.
import type { DetailedSpecIssue } from '../../../../shared/spec.ts';
import type { CrossFieldIssue } from '../../../../shared/spec-checks.ts';
import { title } from './schema.ts';

export type PathPart = string | number;

/** An issue as the form and the editor show it. */
export interface FieldIssue {
  /** as formatPath writes it: model.layers[1].units */
  path: string;
  /** the field and the problem, in words */
  text: string;
  severity: 'error' | 'warning';
}

/** `model.layers[1].units` back into its parts: ['model', 'layers', 1, 'units']. */
export function parsePath(path: string): PathPart[] {
  if (path === '(root)') return [];
  const parts: PathPart[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) parts.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return parts;
}

function valueAt(root: unknown, parts: PathPart[]): unknown {
  let v = root;
  for (const p of parts) v = v !== null && typeof v === 'object' ? (v as Record<PathPart, unknown>)[p] : undefined;
  return v;
}

/** Names the field: "Layer 2 (dense): units", "Training: batch size", "Data: train: samples". */
export function fieldLabel(parts: PathPart[], spec: unknown): string {
  if (parts[0] === 'model' && parts[1] === 'layers' && typeof parts[2] === 'number') {
    const type = (valueAt(spec, parts.slice(0, 3)) as { type?: unknown } | undefined)?.type;
    const layer = `Layer ${parts[2] + 1}${typeof type === 'string' ? ` (${type})` : ''}`;
    const rest = parts.slice(3).map((p) => (typeof p === 'number' ? `item ${p + 1}` : title(p).toLowerCase()));
    return rest.length ? `${layer}: ${rest.join(' ')}` : layer;
  }
  if (parts.length === 0) return 'The spec';
  const words = parts.map((p) => (typeof p === 'number' ? `item ${p + 1}` : title(p).toLowerCase()));
  words[0] = words[0].replace(/^./, (c) => c.toUpperCase());
  return words.length === 1 ? words[0] : `${words[0]}: ${words.slice(1).join(' ')}`;
}

const list = (vs: unknown[]) => vs.map((v) => JSON.stringify(v)).join(', ');
const fmt = (n: number) => (Math.abs(n) >= 1e4 ? n.toLocaleString('en') : String(n));

/**
 * The problem in words, from the schema's issue code and bounds. `integer`: the field takes whole
 * numbers (the JSON Schema says so; the issue alone does not).
 */
export function problemText(issue: DetailedSpecIssue, value: unknown, integer = false): string {
  const d = issue.detail;
  if (!d) return issue.message;
  const what = integer ? 'a whole number' : 'a number';
  switch (d.code) {
    case 'too_small':
    case 'too_big': {
      const small = d.code === 'too_small', b = d.bound ?? 0;
      if (d.origin === 'array') return small ? `needs at least ${b} item${b === 1 ? '' : 's'}` : `takes at most ${b} item${b === 1 ? '' : 's'}`;
      if (d.origin === 'string') return small ? (b <= 1 ? 'must not be empty' : `needs at least ${b} characters`) : `takes at most ${b} characters`;
      if (small) return d.inclusive ? `must be ${what} of at least ${fmt(b)}` : `must be ${what} above ${fmt(b)}`;
      return d.inclusive ? `must be ${what} of at most ${fmt(b)}` : `must be ${what} below ${fmt(b)}`;
    }
    case 'invalid_type':
      if (value === undefined) return 'is missing';
      if (d.expected === 'int') return 'must be a whole number';
      if (d.expected === 'number') return `must be ${what}`;
      if (d.expected === 'object') return 'must be an object { ... }';
      if (d.expected === 'array') return 'must be a list [ ... ]';
      return `must be ${d.expected === 'string' ? 'text' : `a ${d.expected}`}`;
    case 'invalid_value': return d.values?.length === 1 ? `must be ${list(d.values)}` : `must be one of ${list(d.values ?? [])}`;
    case 'unrecognized_keys': return `has no field${(d.keys?.length ?? 0) > 1 ? 's' : ''} ${list(d.keys ?? [])} (a typo?)`;
    case 'invalid_union': return typeof value === 'object' && value !== null && 'type' in value ? `has an unknown type ${JSON.stringify((value as { type: unknown }).type)}` : 'is none of the accepted forms';
    case 'invalid_format': return 'is not in the expected format (a letter, then letters, digits, _ or -)';
    default: return issue.message.replace(/^./, (c) => c.toLowerCase());
  }
}

/** One schema or cross-field issue as the form shows it. `isInteger` tells whether the field at a path takes whole numbers. */
export function toFieldIssue(issue: DetailedSpecIssue | CrossFieldIssue, spec: unknown, isInteger: (parts: PathPart[]) => boolean = () => false): FieldIssue {
  const parts = parsePath(issue.path);
  const severity = 'severity' in issue ? issue.severity : 'error';
  const problem = 'detail' in issue && issue.detail ? problemText(issue, valueAt(spec, parts), isInteger(parts)) : issue.message;
  // the engine's own words name 0-based layers ("the name of model.layers[0]"): count from 1 as the form does
  const said = problem.replace(/model\.layers\[(\d+)\]/g, (_, i: string) => `layer ${Number(i) + 1}`);
  return { path: issue.path, text: `${fieldLabel(parts, spec)}: ${said}`.replace(/: (is|has|must|needs|takes) /, ' $1 '), severity };
}
