// The layering rules of the design handbook, enforced: the engine and shared code never import
// electron, the renderer never imports main/, shared/ imports nothing of ours outside shared/.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const ROOT = resolve(__dirname, '..');

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (f === 'node_modules') return [];
    return statSync(p).isDirectory() ? files(p) : /\.(ts|svelte|js|mjs)$/.test(f) ? [p] : [];
  });
}

function imports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)]
    .map((m) => m[1] ?? m[2] ?? m[3]);
}

function violations(dir: string, rule: (spec: string, target: string | null) => boolean) {
  const out: string[] = [];
  for (const f of files(join(ROOT, dir))) {
    for (const spec of imports(f)) {
      const target = spec.startsWith('.') ? relative(ROOT, resolve(dirname(f), spec)) : null;
      if (rule(spec, target)) out.push(`${relative(ROOT, f)} imports ${spec}`);
    }
  }
  return out;
}

describe('layering', () => {
  it('the import scanner sees imports (guards against a rule that cannot fail)', () => {
    expect(imports(join(ROOT, 'main/engine/train/trainer.ts'))).toContain('@tensorflow/tfjs');
    expect(files(join(ROOT, 'main/engine')).length).toBeGreaterThan(10);
  });

  it('shared/ imports nothing of ours outside shared/, and no electron', () => {
    expect(violations('shared', (s, t) => s === 'electron' || (t !== null && !t.startsWith('shared')))).toEqual([]);
  });

  it('the engine never imports electron, and only shared/ besides itself', () => {
    expect(violations('main/engine', (s, t) => s === 'electron' || s.startsWith('electron/') || (t !== null && !t.startsWith('main/engine') && !t.startsWith('shared')))).toEqual([]);
  });

  it('the CLI and server hosts never import electron', () => {
    expect(violations('main/cli', (s) => s === 'electron')).toEqual([]);
    expect(violations('main/server', (s) => s === 'electron')).toEqual([]);
  });

  it('the renderer never imports main/', () => {
    expect(violations('renderer', (_s, t) => t !== null && t.startsWith('main'))).toEqual([]);
  });
});
