// The packaged app, as a user installs it: `electron-builder --dir`, launched from its own folder
// (under Xvfb on Linux), the demo run from the window, a quit mid-run, then the run folder read
// back: its run-end says `stopped`. Where Electron's binary cannot be installed (these machines)
// or there is no display, the suite reports itself skipped with the reason.
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { readRun } from '../../main/engine/run/run-folder.ts';

const root = join(__dirname, '../..');
const why = (() => {
  try {
    const p = createRequire(import.meta.url)('electron') as unknown;
    if (typeof p !== 'string' || !existsSync(p)) return 'the electron package has no binary';
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display (run under xvfb-run)';
  return null;
})();
if (why) console.warn(`packaged app smoke test skipped: ${why}`);

/** The unpacked app's executable under dist/packages (linux-unpacked, mac/*.app, win-unpacked). */
function packagedExecutable(): string {
  const out = join(root, 'dist', 'packages');
  const linux = join(out, 'linux-unpacked', 'trainscope');
  if (existsSync(linux)) return linux;
  const win = join(out, 'win-unpacked', 'Trainscope.exe');
  if (existsSync(win)) return win;
  const mac = readdirSync(out).find((d) => d.startsWith('mac'));
  return join(out, mac!, 'Trainscope.app', 'Contents', 'MacOS', 'Trainscope');
}

describe.skipIf(!!why)('packaged desktop app', () => {
  it('installs, trains the demo, and a quit mid-run leaves the run stopped with its run-end', async () => {
    const build = spawnSync('npm', ['run', 'dist', '--', '--dir'], { cwd: root, encoding: 'utf8', timeout: 15 * 60_000 });
    expect(build.status, build.stderr).toBe(0);
    const userData = mkdtempSync(join(tmpdir(), 'trainscope-packaged-'));
    const app = await electron.launch({ executablePath: packagedExecutable(), args: [`--user-data-dir=${userData}`], cwd: tmpdir() });
    const page = await app.firstWindow();
    expect(page.url()).toBe('app://trainscope/index.html');
    await page.getByTestId('start-demo').click();
    await expect.poll(async () => Number((await page.getByTestId('run-step').textContent())?.split('/')[0]), { timeout: 120_000 }).toBeGreaterThan(10);
    await app.evaluate(({ app: a }) => a.quit()); // as the menu's Quit does
    await app.waitForEvent('close', { timeout: 30_000 }).catch(() => undefined);
    const runs = join(userData, 'runs');
    const [dir] = readdirSync(runs).filter((d) => d.startsWith('digits-mlp'));
    expect(readRun(join(runs, dir)).events.find((e) => e.type === 'run-end')).toMatchObject({ status: 'stopped' });
  }, 20 * 60_000);
});
