// Writes the run-spec field reference into README.md (between the spec-reference markers) from
// the JSON Schema, so the documentation cannot drift from the schema. A test checks it is current.
// Usage: tsx scripts/spec-reference.ts [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { specJsonSchema } from '../shared/spec.ts';

type S = {
  type?: string | string[]; properties?: Record<string, S>; required?: string[]; items?: S | S[]; prefixItems?: S[];
  oneOf?: S[]; anyOf?: S[]; enum?: unknown[]; const?: unknown; default?: unknown; description?: string;
  minimum?: number; maximum?: number; exclusiveMinimum?: number; exclusiveMaximum?: number; minItems?: number;
};

/** Text in a table cell: a bare | would end the cell (|dW|/|W|). */
const cell = (t: string) => t.replace(/\|/g, '\\|');

function typeOf(s: S): string {
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.type === 'object' && s.properties?.type?.const !== undefined) return `{type: ${JSON.stringify(s.properties.type.const)}}`;
  if (s.enum) return s.enum.map((e) => `\`${JSON.stringify(e)}\``).join(' \\| ');
  const alts = s.oneOf ?? s.anyOf;
  if (alts) return alts.map(typeOf).join(' \\| ');
  if (s.type === 'array') {
    if (s.prefixItems) return `[${s.prefixItems.map(typeOf).join(', ')}]`;
    const it = s.items as S;
    return (it.oneOf ?? it.anyOf) ? 'array (items below)' : `${typeOf(it)}[]`;
  }
  if (s.type === 'object') return 'object';
  const t = Array.isArray(s.type) ? s.type.join(' \\| ') : (s.type ?? 'any');
  const range: string[] = [];
  if (s.exclusiveMinimum !== undefined) range.push(`> ${s.exclusiveMinimum}`);
  if (s.minimum !== undefined) range.push(`>= ${s.minimum}`);
  if (s.exclusiveMaximum !== undefined) range.push(`< ${s.exclusiveMaximum}`);
  if (s.maximum !== undefined && s.maximum < 1e15) range.push(`<= ${s.maximum}`);
  return range.length ? `${t} (${range.join(', ')})` : t;
}

const rows: string[] = [];
const seen = new Map<string, string>(); // a union already documented at another path
function walk(s: S, path: string, required: boolean) {
  const alts = s.oneOf ?? s.anyOf;
  const objects = alts?.filter((a) => a.type === 'object' && a.properties?.type?.const !== undefined);
  if (objects && objects.length) {
    const key = JSON.stringify(alts);
    if (seen.has(key)) {
      rows.push(`| \`${path}\` | as \`${seen.get(key)}\` | ${fmtDefault(s)} | ${required ? 'required. ' : ''}${cell(s.description ?? '')} |`);
      return;
    }
    seen.set(key, path);
    // A discriminated union: one block of rows per variant.
    const others = alts!.filter((a) => !objects.includes(a));
    rows.push(`| \`${path}\` | ${[...objects.map((o) => `{type: ${JSON.stringify(o.properties!.type.const)}}`), ...others.map(typeOf)].join(' \\| ')} | ${fmtDefault(s)} | ${required ? 'required. ' : ''}${cell(s.description ?? 'one of the variants below')} |`);
    for (const o of objects) walkObject(o, `${path}{type=${JSON.stringify(o.properties!.type.const)}}`);
    return;
  }
  rows.push(`| \`${path}\` | ${typeOf(s)} | ${fmtDefault(s)} | ${required ? 'required. ' : ''}${cell(s.description ?? '')} |`);
  if (s.type === 'object' && s.properties) walkObject(s, path);
  if (s.type === 'array' && s.items && !Array.isArray(s.items)) {
    const it = s.items as S;
    if (it.oneOf || it.anyOf || it.type === 'object') walk(it, `${path}[]`, false);
  }
}
function walkObject(o: S, path: string) {
  for (const [k, v] of Object.entries(o.properties ?? {})) {
    if (k === 'type' && v.const !== undefined) continue;
    walk(v, path ? `${path}.${k}` : k, (o.required ?? []).includes(k) && v.default === undefined);
  }
}
function fmtDefault(s: S) {
  return s.default === undefined ? '' : `\`${JSON.stringify(s.default)}\``;
}

walkObject(specJsonSchema() as S, '');
const table = ['| field | type | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
const readme = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', 'README.md');
const text = readFileSync(readme, 'utf8');
const start = '<!-- spec-reference:start -->', end = '<!-- spec-reference:end -->';
const i = text.indexOf(start), j = text.indexOf(end);
if (i < 0 || j < 0) throw new Error('README.md has no spec-reference markers');
const next = `${text.slice(0, i + start.length)}\n${table}\n${text.slice(j)}`;
if (process.argv.includes('--check')) {
  if (next !== text) { process.stderr.write('README.md: the spec reference is out of date; run npm run docs\n'); process.exit(1); }
} else {
  writeFileSync(readme, next);
}
