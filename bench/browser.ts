// Builds the renderer benchmark page, serves it on 127.0.0.1 and runs it in Debian's Chromium.
import { build } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { createServer } from 'node:http';
import { createReadStream, existsSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { launchChromium } from '../tests/e2e/chromium.ts';

const root = resolve(import.meta.dirname ?? '.', 'browser');
const out = resolve(import.meta.dirname ?? '.', '..', 'dist', 'bench-browser');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

export async function benchBrowser() {
  await build({ root, base: './', logLevel: 'error', plugins: [svelte()], build: { outDir: out, emptyOutDir: true, target: 'es2022' } });
  const server = createServer((req, res) => {
    const file = join(out, req.url === '/' ? 'index.html' : decodeURIComponent(req.url!.slice(1)));
    if (!file.startsWith(out) || !existsSync(file)) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => 'runBench' in window);
    const r = await page.evaluate(() => (window as unknown as { runBench: () => Promise<Record<string, number>> }).runBench());
    if (errors.length) throw new Error(`the benchmark page failed: ${errors[0]}`);
    return r;
  } finally {
    await browser.close();
    server.close();
  }
}
