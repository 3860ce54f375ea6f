// Debian's Chromium driven by playwright-core (launch() gives every run a fresh profile) (Playwright's own browser download is unreachable
// on these machines). Without Chromium the browser suites report themselves skipped, with one line
// saying how to enable them; .ci/run sets TRAINSCOPE_CI=1, which makes a missing browser a failure.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { serve, type Served } from '../../main/server/serve.ts';
import { ensureRendererBuilt } from '../../main/server/build-renderer.ts';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** No browser on this machine and not in CI: the browser suites skip themselves (describe.skipIf). */
export const NO_BROWSER = !existsSync(CHROMIUM) && !process.env.TRAINSCOPE_CI;
if (NO_BROWSER) console.warn(`browser tests skipped: ${CHROMIUM} not found (apt-get install chromium, or set CHROMIUM_PATH)`);

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

/** A browser-mode server with a fresh runs folder and a Chromium, for one test file. */
export function useBrowserMode(): { server: () => Served; browser: () => Browser; runsDir: () => string } {
  let server: Served;
  let browser: Browser;
  const runsDir = mkdtempSync(join(tmpdir(), 'trainscope-e2e-'));
  if (NO_BROWSER) return { server: () => server, browser: () => browser, runsDir: () => runsDir };
  beforeAll(async () => {
    server = await serve({ runsDir, baseDir: process.cwd(), staticDir: await ensureRendererBuilt() });
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return { server: () => server, browser: () => browser, runsDir: () => runsDir };
}
