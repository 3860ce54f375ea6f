// The desktop app through Playwright's Electron driver, where Electron's binary is installed.
// These machines cannot download it: the suite then reports itself skipped, with the reason.
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { _electron as electron } from 'playwright-core';

const root = join(__dirname, '../..');
const binary = (() => {
  try {
    const p = createRequire(import.meta.url)('electron') as unknown;
    return typeof p === 'string' && existsSync(p) ? { path: p } : { why: 'the electron package has no binary' };
  } catch (e) {
    return { why: (e as Error).message.split('\n')[0] };
  }
})();
const display = process.platform !== 'linux' || !!process.env.DISPLAY || !!process.env.WAYLAND_DISPLAY;
const why = binary.why ?? (display ? null : 'no display (DISPLAY is not set)');
if (why) console.warn(`electron end-to-end tests skipped: ${why}`);

describe.skipIf(!!why)('desktop app (Electron)', () => {
  it('opens on the demo with the security settings on and trains it', async () => {
    expect(spawnSync(process.execPath, [join(root, 'scripts/build-electron.mjs')], { cwd: root }).status).toBe(0);
    expect(spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'], { cwd: root }).status).toBe(0);
    const app = await electron.launch({ executablePath: binary.path!, args: [root], cwd: root });
    try {
      const prefs = await app.evaluate(({ BrowserWindow }) => {
        const w = BrowserWindow.getAllWindows()[0];
        // getLastWebPreferences is not in the typings of every Electron version
        const p = (w.webContents as unknown as { getLastWebPreferences(): Record<string, unknown> | null }).getLastWebPreferences();
        return { contextIsolation: p?.contextIsolation, sandbox: p?.sandbox, nodeIntegration: p?.nodeIntegration };
      });
      expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false });
      const page = await app.firstWindow();
      expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
      await page.getByTestId('start-demo').click();
      await expect.poll(async () => Number((await page.getByTestId('run-step').textContent())?.split('/')[0]), { timeout: 60_000 }).toBeGreaterThan(10);
      await page.getByTestId('stop').click();
      await expect.poll(async () => page.getByTestId('run-status').textContent(), { timeout: 60_000 }).toBe('stopped');
    } finally {
      await app.close();
    }
  });
});
