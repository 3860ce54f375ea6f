// The layering checker: which modules a source file imports, and which of those its directory's
// rule forbids. Pure functions over (path, source) so the guard tests can feed it virtual files
// and prove that every kind of violation is caught, without writing anything to the tree.
import { builtinModules } from 'node:module';
import { posix } from 'node:path';
import { lex } from './lex.ts';
import type { Rule } from './rules.ts';

// Each pattern runs over the masked source and stops right before the specifier's opening quote.
const SPECIFIER_BEFORE = [
  // (no space needed before a brace or a star: minified and hand-squeezed code writes import{a}from'b')
  /(?<![\w$.])(?:import|export)(?:\s+|(?=[{*]))(?:type\s+)?[\w$\s{},*]*?\bfrom\s*(?=['"])/g, // import … from, export … from
  /(?<![\w$.])import\s*(?=['"])/g, // side-effect import
  /(?<![\w$.])(?:import|require)\s*\(\s*(?=['"`])/g, // import('a'), require('a')
  /\.resolve\s*\(\s*(?=['"`])/g, // require.resolve('a'), createRequire(...).resolve('a'): a dependency located by path
];
// Worker entry points are loaded by URL, not by import, but they are a dependency all the same.
const URL_BEFORE = /(?<![\w$.])new\s+URL\s*\(\s*(?=['"`])/g;
const URL_AFTER = /^\s*,\s*import\.meta\.url\b/;

function scriptImports(src: string): string[] {
  const { shape, literals } = lex(src);
  const found: Array<[number, string]> = [];
  const at = (pos: number) => literals.get(pos);
  for (const re of SPECIFIER_BEFORE) {
    for (const m of shape.matchAll(re)) {
      const lit = at(m.index + m[0].length);
      if (lit?.value != null) found.push([m.index, lit.value]);
    }
  }
  for (const m of shape.matchAll(URL_BEFORE)) {
    const lit = at(m.index + m[0].length);
    if (lit?.value?.startsWith('.') && URL_AFTER.test(shape.slice(lit.end))) found.push([m.index, lit.value]);
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, spec]) => spec);
}

/** Every import specifier in a .ts/.js/.mjs source, or in every `<script>` block of a .svelte one. */
export function imports(source: string, fileName: string): string[] {
  if (!fileName.endsWith('.svelte')) return scriptImports(source);
  const markup = source.replace(/<!--[\s\S]*?-->/g, '');
  const scripts = [...markup.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script\s*>/gi)].flatMap((m) => scriptImports(m[1]));
  // expressions in the markup ({#await import('./x.ts')}, onclick={() => import('y')}) are code too
  const template = markup.replace(/<script\b[^>]*>[\s\S]*?<\/script\s*>/gi, '').replace(/<style\b[^>]*>[\s\S]*?<\/style\s*>/gi, '');
  const expressions = [...template.matchAll(/\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}/g)].flatMap((m) => scriptImports(m[1]));
  return [...scripts, ...expressions];
}

const segments = (path: string) => path.split('/').filter(Boolean);

/** The slice name a rule's `<slice>` segment takes for this file, '' if the rule has none, null if the rule does not govern it. */
function matchRule(fileDir: string[], rule: Rule): string | null {
  const dir = segments(rule.dir);
  if (fileDir.length < dir.length) return null;
  let slice = '';
  for (let k = 0; k < dir.length; k++) {
    if (dir[k] === '<slice>') {
      if (fileDir[k] === 'framework') return null;
      slice = fileDir[k];
    } else if (dir[k] !== fileDir[k]) return null;
  }
  return slice;
}

/** The most specific rule whose directory holds the file, with the slice it binds; null outside every rule. */
export function governingRule(file: string, rules: readonly Rule[]): { rule: Rule; slice: string } | null {
  const fileDir = segments(posix.dirname(file));
  let best: { rule: Rule; slice: string } | null = null;
  for (const rule of rules) {
    const slice = matchRule(fileDir, rule);
    if (slice !== null && (!best || segments(rule.dir).length > segments(best.rule.dir).length)) best = { rule, slice };
  }
  return best;
}

/** `dir` allows anything under dir; `dir/*` allows only the files directly in dir. */
function underProjectPath(target: string, pattern: string): boolean {
  if (pattern.endsWith('/*')) return posix.dirname(target) === pattern.slice(0, -2);
  return target === pattern || target.startsWith(pattern + '/');
}

/** Exact name, or a prefix ending in `*` (svelte/*, @tensorflow/*, node:*); bare built-ins count as node:. */
function bareAllowed(spec: string, patterns: readonly string[]): boolean {
  const name = builtinModules.includes(spec) ? `node:${spec}` : spec;
  return patterns.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));
}

/** One line per import the file's rule forbids; files outside every rule directory are not checked. */
export function violations(file: string, source: string, rules: readonly Rule[]): string[] {
  const governing = governingRule(file, rules);
  if (!governing) return [];
  const { rule, slice } = governing;
  const bind = (p: string) => p.replace('<slice>', slice);
  const dirs = rule.mayImport.map(bind);
  const explain = `(${rule.dir} may import: ${dirs.join(', ')}; bare: ${rule.bare.join(', ') || 'none'})`;
  const out: string[] = [];
  for (const spec of imports(source, file)) {
    if (spec.startsWith('/')) {
      out.push(`${file} imports ${spec} [absolute path: import relatively] ${explain}`);
    } else if (spec.startsWith('.')) {
      const target = posix.join(posix.dirname(file), spec);
      if (!dirs.some((d) => underProjectPath(target, d))) out.push(`${file} imports ${spec} [${target}] ${explain}`);
    } else if (!bareAllowed(spec, rule.bare)) {
      out.push(`${file} imports ${spec} ${explain}`);
    }
  }
  return out;
}
