// What changed from one run's spec to another's, in a few words ("lr 0.003 → 5, layers 3 → 4"):
// the runs list shows it under a run so that two runs of the same name can be told apart at a
// glance. Only the fields people change between attempts are named, most telling first; the
// rest of a spec would only make the label long.
import { formatPath, type LayerSpec, type RunSpec } from '../../../../shared/spec.ts';

/** More differences than this are counted ("+2"), not spelled out. */
const MAX_PARTS = 2;

/** Numbers as a person writes them: 0.001, 5, 3e-7 (never 0.0030000000000000001). */
function num(x: number | null | undefined): string {
  if (x === null || x === undefined) return 'none';
  return String(Number(x.toPrecision(3)));
}

function arrow(label: string, from: string, to: string): string {
  return `${label ? `${label} ` : ''}${from} → ${to}`;
}

/** A layer's one knob that sets its size: units (dense) or filters (conv). */
function sizeOf(l: LayerSpec): { what: string; n: number } | null {
  if (l.type === 'dense') return { what: 'units', n: l.units };
  if (l.type === 'conv2d') return { what: 'filters', n: l.filters };
  return null;
}

function activationOf(l: LayerSpec): string | null {
  return 'activation' in l && typeof l.activation === 'string' ? l.activation : null;
}

function initializerOf(l: LayerSpec): string | null {
  if (!('kernelInitializer' in l) || l.kernelInitializer === undefined) return null;
  const k = l.kernelInitializer;
  return typeof k === 'string' ? k : k.type;
}

/**
 * One "from → to" per kind of change between layer lists of the same length: the first layer
 * that differs in that respect speaks for the others (a sweep changes them all the same way).
 */
function layerParts(a: LayerSpec[], b: LayerSpec[]): string[] {
  const parts: string[] = [];
  const first = (f: (x: LayerSpec, y: LayerSpec) => string | null) => {
    for (let i = 0; i < a.length; i++) {
      const p = f(a[i], b[i]);
      if (p) { parts.push(p); return; }
    }
  };
  first((x, y) => (x.type !== y.type ? arrow('', x.type, y.type) : null));
  first((x, y) => {
    const p = activationOf(x), q = activationOf(y);
    return x.type === y.type && p && q && p !== q ? arrow('', p, q) : null;
  });
  first((x, y) => {
    const p = sizeOf(x), q = sizeOf(y);
    return x.type === y.type && p && q && p.n !== q.n ? arrow(p.what, String(p.n), String(q.n)) : null;
  });
  first((x, y) => {
    const p = initializerOf(x), q = initializerOf(y);
    return x.type === y.type && p && q && p !== q ? arrow('', p, q) : null;
  });
  first((x, y) => (x.type === 'dropout' && y.type === 'dropout' && x.rate !== y.rate ? arrow('dropout', num(x.rate), num(y.rate)) : null));
  return parts;
}

function sourceName(s: RunSpec['data']['train'] | undefined): string {
  if (!s) return '?';
  if (s.type === 'dataset' || s.type === 'synthetic') return s.name;
  if ('path' in s) return s.path.split(/[\\/]/).pop() ?? s.type;
  if ('images' in s) return s.images.split(/[\\/]/).pop() ?? s.type;
  return s.type;
}

function clipOf(t: RunSpec['training']): string {
  const c = t?.clip;
  if (c?.globalNorm !== undefined) return `norm ${num(c.globalNorm)}`;
  if (c?.value !== undefined) return `value ${num(c.value)}`;
  return 'none';
}

/** Every telling difference from `a` to `b`, most telling first. */
export function specDiffParts(a: RunSpec, b: RunSpec): string[] {
  const parts: string[] = [];
  const ta = a.training, tb = b.training;
  if (ta?.optimizer?.type !== tb?.optimizer?.type) parts.push(arrow('', String(ta?.optimizer?.type), String(tb?.optimizer?.type)));
  if (ta?.optimizer?.learningRate !== tb?.optimizer?.learningRate) parts.push(arrow('lr', num(ta?.optimizer?.learningRate), num(tb?.optimizer?.learningRate)));
  const la = a.model?.layers ?? [], lb = b.model?.layers ?? [];
  if (la.length !== lb.length) parts.push(arrow('layers', String(la.length), String(lb.length)));
  else parts.push(...layerParts(la, lb));
  if (ta?.batchSize !== tb?.batchSize) parts.push(arrow('batch', num(ta?.batchSize), num(tb?.batchSize)));
  if (ta?.schedule?.type !== tb?.schedule?.type) parts.push(arrow('schedule', String(ta?.schedule?.type ?? 'constant'), String(tb?.schedule?.type ?? 'constant')));
  if (clipOf(ta) !== clipOf(tb)) parts.push(arrow('clip', clipOf(ta), clipOf(tb)));
  if (sourceName(a.data?.train) !== sourceName(b.data?.train)) parts.push(arrow('data', sourceName(a.data?.train), sourceName(b.data?.train)));
  if ((a.data?.limit ?? null) !== (b.data?.limit ?? null)) parts.push(arrow('samples', a.data?.limit ? num(a.data.limit) : 'all', b.data?.limit ? num(b.data.limit) : 'all'));
  if (a.data?.normalize !== b.data?.normalize) parts.push(arrow('normalize', String(a.data?.normalize), String(b.data?.normalize)));
  if (ta?.epochs !== tb?.epochs) parts.push(arrow('epochs', num(ta?.epochs), num(tb?.epochs)));
  if (a.seed !== b.seed) parts.push(arrow('seed', num(a.seed), num(b.seed)));
  return parts;
}

/** Specs that differ only in what names or describes the run. */
function sameSettings(a: RunSpec, b: RunSpec): boolean {
  const strip = (s: RunSpec) => JSON.stringify({ ...s, name: undefined, description: undefined });
  return strip(a) === strip(b);
}

/**
 * The label for run `b` next to the run `a` it is compared with: "lr 0.003 → 5", "layers 3 → 4",
 * "relu → tanh" (at most MAX_PARTS of them, "+n" for the rest); "same spec", or "other settings"
 * when they differ only in fields not named here.
 */
export function specDiffLabel(a: RunSpec, b: RunSpec): string {
  const parts = specDiffParts(a, b);
  if (parts.length === 0) return sameSettings(a, b) ? 'same spec' : 'other settings';
  const shown = parts.slice(0, MAX_PARTS).join(', ');
  return parts.length > MAX_PARTS ? `${shown} +${parts.length - MAX_PARTS}` : shown;
}

/** One row of the comparison's spec table: a field by its full path, and each run's value of it. */
export interface SpecDiffRow {
  /** `training.optimizer.learningRate`, `model.layers[1].units`: the path a sweep addresses it by */
  path: string;
  /** per run, in the order given; NOT_SET where a run's spec lacks the field */
  values: string[];
}

export const NOT_SET = '—';

/** What names or describes a run rather than how it trains: the legend already tells the runs apart. */
const IDENTITY = new Set(['name', 'description']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function leafWords(v: unknown): string {
  if (v === undefined) return NOT_SET;
  if (typeof v === 'number') return Number.isFinite(v) ? String(Number(v.toPrecision(12))) : String(v); // 0.1 + 0.2 reads 0.3
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/**
 * The fields that differ between N specs, with full paths, in the order they appear in the specs.
 * Objects and arrays are walked down to the fields that differ; a part some specs lack (a layer
 * one run has and another not) is one row with that part whole, not one row per field inside it.
 */
export function specDiffRows(specs: readonly unknown[]): SpecDiffRow[] {
  const rows: SpecDiffRow[] = [];
  const walk = (values: unknown[], path: (string | number)[]) => {
    const same = values.every((v) => JSON.stringify(v) === JSON.stringify(values[0]));
    if (same) return;
    if (values.every(isObject)) {
      const keys: string[] = [];
      for (const v of values) for (const k of Object.keys(v)) if (!keys.includes(k)) keys.push(k);
      for (const k of keys) if (!(path.length === 0 && IDENTITY.has(k))) walk(values.map((v) => v[k]), [...path, k]);
      return;
    }
    if (values.every(Array.isArray)) {
      const n = Math.max(...values.map((v) => v.length));
      for (let i = 0; i < n; i++) walk(values.map((v) => v[i]), [...path, i]);
      return;
    }
    rows.push({ path: formatPath(path), values: values.map(leafWords) });
  };
  if (specs.length >= 2) walk([...specs], []);
  return rows;
}
