// The one part of the layering check that reads the disk, kept apart so check.ts stays pure.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const SOURCE = /\.(ts|mts|cts|js|mjs|cjs|svelte)$/;

/** Repo-relative, '/'-separated paths of every source file under `dir` (itself repo-relative). */
export function sourceFiles(root: string, dir: string): string[] {
  const walk = (abs: string): string[] => {
    if (!existsSync(abs)) return [];
    return readdirSync(abs).flatMap((name) => {
      if (name === 'node_modules') return [];
      const p = join(abs, name);
      return statSync(p).isDirectory() ? walk(p) : SOURCE.test(name) ? [relative(root, p).split(sep).join('/')] : [];
    });
  };
  return walk(join(root, dir)).sort();
}
