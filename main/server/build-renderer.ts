// The renderer is built by Vite into dist/renderer. Hosts started from a source checkout build
// it when it is missing or older than its sources, so `npm start` works right after npm install.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

export const ROOT = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..');
export const RENDERER_OUT = join(ROOT, 'dist', 'renderer');

function newest(dir: string): number {
  let t = 0;
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, f.name);
    t = Math.max(t, f.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export function rendererIsCurrent(): boolean {
  const index = join(RENDERER_OUT, 'index.html');
  if (!existsSync(index)) return false;
  const src = join(ROOT, 'renderer');
  if (!existsSync(src)) return true; // a packaged app ships the build only
  return statSync(index).mtimeMs >= Math.max(newest(src), newest(join(ROOT, 'shared')));
}

export async function ensureRendererBuilt(): Promise<string> {
  if (rendererIsCurrent()) return RENDERER_OUT;
  process.stderr.write('building the renderer (vite build)...\n');
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'error'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('the renderer failed to build (see above)');
  return RENDERER_OUT;
}
