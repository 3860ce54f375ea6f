// Reading the spec's JSON Schema for the form: which kind of control each node needs.
export interface Node {
  type?: string | string[]; properties?: Record<string, Node>; required?: string[]; items?: Node; prefixItems?: Node[];
  oneOf?: Node[]; anyOf?: Node[]; enum?: (string | number)[]; const?: unknown; default?: unknown; description?: string;
  minimum?: number; maximum?: number; exclusiveMinimum?: number;
}

export type Control =
  | { kind: 'variants'; options: { label: string; node: Node | null; value: unknown }[] }
  | { kind: 'nullable'; inner: Node }
  | { kind: 'int-or-pair' }
  | { kind: 'object' }
  | { kind: 'list' }
  | { kind: 'enum-set'; values: (string | number)[] }
  | { kind: 'number-list' }
  | { kind: 'enum'; values: (string | number)[] }
  | { kind: 'boolean' } | { kind: 'number'; integer: boolean } | { kind: 'string' } | { kind: 'const' };

/** A union's alternatives, with nested unions spread out ("a fraction, or a data source" is one list). */
function alternatives(n: Node): Node[] | undefined {
  const alts = n.oneOf ?? n.anyOf;
  return alts?.flatMap((a) => (a.type === undefined && (a.oneOf ?? a.anyOf) ? alternatives(a)! : [a]));
}

export function controlOf(n: Node): Control {
  const alts = alternatives(n);
  if (alts) {
    const nonNull = alts.filter((a) => a.type !== 'null');
    if (nonNull.length === 1 && alts.length === 2) return { kind: 'nullable', inner: nonNull[0] };
    if (alts.length === 2 && alts.some((a) => a.type === 'integer') && alts.some((a) => a.type === 'array')) return { kind: 'int-or-pair' };
    const options: { label: string; node: Node | null; value: unknown }[] = [];
    for (const a of alts) {
      if (a.enum) for (const e of a.enum) options.push({ label: String(e), node: null, value: e });
      else if (a.properties?.type?.const !== undefined) options.push({ label: String(a.properties.type.const), node: a, value: { type: a.properties.type.const } });
      else if (a.type === 'number' || a.type === 'integer') options.push({ label: 'a fraction', node: a, value: typeof a.default === 'number' ? a.default : 0.1 });
      else if (a.const !== undefined) options.push({ label: String(a.const), node: null, value: a.const });
    }
    return { kind: 'variants', options };
  }
  if (n.const !== undefined) return { kind: 'const' };
  if (n.enum) return { kind: 'enum', values: n.enum };
  if (n.type === 'object') return { kind: 'object' };
  if (n.type === 'array') {
    const it = n.items;
    if (it?.enum) return { kind: 'enum-set', values: it.enum };
    if (it?.type === 'number' || it?.type === 'integer') return { kind: 'number-list' };
    return { kind: 'list' };
  }
  if (n.type === 'boolean') return { kind: 'boolean' };
  if (n.type === 'number' || n.type === 'integer') return { kind: 'number', integer: n.type === 'integer' };
  return { kind: 'string' };
}

/** Which option of a variants control the current value is. */
export function selectedOption(c: Extract<Control, { kind: 'variants' }>, value: unknown): number {
  return c.options.findIndex((o) =>
    o.node === null ? o.value === value
      : typeof o.value === 'object' ? typeof value === 'object' && value !== null && (value as { type?: unknown }).type === (o.value as { type: unknown }).type
        : typeof value === 'number');
}

export function title(key: string): string {
  return key.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase()).replace(/\bLr\b/, 'LR');
}

/** The schema node of the field at `parts` in `value` (a union is resolved by the value's `type`), or null. */
export function nodeAt(root: Node, value: unknown, parts: (string | number)[]): Node | null {
  let n: Node | null = root, v = value;
  for (const p of parts) {
    n = n && resolve(n, v);
    if (!n) return null;
    n = typeof p === 'number' ? n.items ?? n.prefixItems?.[p] ?? null : n.properties?.[p] ?? null;
    v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[p] : undefined;
  }
  return n && resolve(n, v);
}

function resolve(n: Node, v: unknown): Node | null {
  const alts = n.oneOf ?? n.anyOf;
  if (!alts) return n;
  const type = v !== null && typeof v === 'object' ? (v as { type?: unknown }).type : undefined;
  return alts.find((a) => type !== undefined && a.properties?.type?.const === type)
    ?? alts.find((a) => (typeof v === 'number' && (a.type === 'number' || a.type === 'integer')) || (Array.isArray(v) && a.type === 'array'))
    ?? alts.find((a) => a.type === 'object') ?? alts[0];
}

/** Whether the field at `parts` takes whole numbers. */
export function isIntegerAt(root: Node, value: unknown, parts: (string | number)[]): boolean {
  const n = nodeAt(root, value, parts);
  return n?.type === 'integer' || Boolean((n?.oneOf ?? n?.anyOf)?.some((a) => a.type === 'integer'));
}
