// The app in browser mode, end to end: the real server, the real engine process, Debian's
// Chromium, real IndexedDB.
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Page } from 'playwright-core';
import { join } from 'node:path';
import { useBrowserMode, NO_BROWSER } from './chromium.ts';
import { readRun } from '../../main/engine/run/run-folder.ts';

const env = useBrowserMode();

function wsStatus(url: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => { ws.close(); resolve('open'); });
    ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
    ws.on('error', (e) => resolve(`error ${e.message}`));
  });
}

/** Waits for the library's last batched write; a storage error the app shows fails at once, with its text. */
async function libraryHasEnded(page: Page) {
  // (when it does not get there, the failure shows where the run-end stopped: the list, the database)
  await expect.poll(() => page.evaluate(async () => {
    const app = (window as any).__trainscope;
    if (app.error) return app.error;
    const id = app.current?.runId;
    const listed = app.runs.find((r: any) => r.id === id);
    if (listed?.end) return true;
    const stored = await app.library.db.runs.get(id);
    return `listed ${listed?.status ?? 'no'}; stored ${stored?.status ?? 'no'} end ${Boolean(stored?.end)} received ${stored?.received}; live ${JSON.stringify(app.library.debugState(id))}; replaying ${[...app.replaying.keys()].join(',') || 'none'}; engine ${JSON.stringify(app.engine)}; shown ${app.current?.status}`;
  }), { timeout: 30_000 }).toBe(true);
}

/** What the page's run library holds of a run: each step's loss, the collections, every other event by index. */
function libraryOf(page: Page, runId: string) {
  return page.evaluate(async (runId) => {
    const lib = (window as any).__trainscope.library;
    const range = [[runId, -Infinity], [runId, Infinity]];
    const steps = await lib.db.steps.where('[runId+step]').between(...range).toArray();
    const events = await lib.db.events.where('[runId+seq]').between(...range).toArray();
    const run = await lib.db.runs.get(runId);
    return {
      steps: steps.filter((s: any) => !Number.isNaN(s.loss)).map((s: any) => [s.step, s.loss]),
      collections: steps.filter((s: any) => s.c).map((s: any) => s.step),
      events: events.map((e: any) => [e.event.i, e.event.type]),
      received: run?.received, status: run?.status,
    };
  }, runId);
}

const num = async (page: Page, id: string) => Number((await page.getByTestId(id).textContent())?.split('/')[0].trim());

describe.skipIf(NO_BROWSER)('browser mode', () => {
  it('refuses requests and sockets without the token or from a foreign origin', async () => {
    const base = `http://127.0.0.1:${env.server().port}`;
    expect((await fetch(`${base}/`)).status).toBe(403);
    expect((await fetch(`${base}/?token=wrong`)).status).toBe(403);
    expect((await fetch(`${base}/?token=${env.server().token}`)).status).toBe(200);
    expect((await fetch(`${base}/?token=${env.server().token}`, { headers: { origin: 'http://evil.example' } })).status).toBe(403);
    const ws = `ws://127.0.0.1:${env.server().port}/ws`;
    expect(await wsStatus(ws, { origin: base })).toBe('403');
    expect(await wsStatus(`${ws}?token=${env.server().token}`, { origin: 'http://evil.example' })).toBe('403');
    expect(await wsStatus(`${ws}?token=${env.server().token}`, { origin: base })).toBe('open');
    const res = await fetch(`${base}/?token=${env.server().token}`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('trains the demo live, stops, and shows the same run after a reload', async () => {
    const page = await env.browser().newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(env.server().url);
    await page.getByTestId('start-demo').click();
    await expect.poll(() => num(page, 'run-step'), { timeout: 60_000 }).toBeGreaterThan(20);
    await expect.poll(async () => (await page.getByTestId('val-loss').textContent())?.trim(), { timeout: 60_000 }).not.toBe('--');
    expect(await page.getByTestId('chart-loss').locator('canvas').count()).toBe(1);

    // The heatmap: one row per ReLU layer of the demo (dense_2, dense_4), columns growing while it trains.
    await page.getByTestId('tab-saturation').click();
    const heat = page.getByTestId('heatmap-layers').locator('canvas');
    await expect.poll(async () => Number(await heat.getAttribute('data-rows'))).toBe(2);
    const cols1 = Number(await heat.getAttribute('data-cols'));
    await expect.poll(async () => Number(await heat.getAttribute('data-cols')), { timeout: 60_000 }).toBeGreaterThan(cols1);
    const painted = await heat.evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let lit = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0) lit++;
      return lit / (d.length / 4);
    });
    expect(painted).toBeGreaterThan(0.9);

    await page.getByTestId('stop').click();
    await page.getByTestId('tab-overview').click();
    await expect.poll(async () => page.getByTestId('run-status').textContent(), { timeout: 60_000 }).toBe('stopped');
    const steps = await num(page, 'run-step');
    const valLoss = await page.getByTestId('val-loss').textContent();
    const valAcc = await page.getByTestId('val-acc').textContent();
    await libraryHasEnded(page);

    await page.reload();
    await page.getByTestId('tab-library').click();
    const row = page.getByTestId('run-table').locator('tbody tr').first();
    await expect.poll(async () => row.locator('td.status').textContent()).toBe('stopped');
    await row.locator('button.link').click();
    await expect.poll(() => num(page, 'run-step')).toBe(steps);
    expect(await page.getByTestId('val-loss').textContent()).toBe(valLoss);
    expect(await page.getByTestId('val-acc').textContent()).toBe(valAcc);
    await page.getByTestId('tab-saturation').click();
    await expect.poll(async () => Number(await heat.getAttribute('data-rows'))).toBe(2);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a reload mid-run loses nothing: the library matches the run folder step for step; pause and resume reach the header', async () => {
    const page = await env.browser().newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(env.server().url);
    await page.getByTestId('start-demo').click();
    await expect.poll(() => num(page, 'run-step'), { timeout: 60_000 }).toBeGreaterThan(30);
    const runId: string = await page.evaluate(() => (window as any).__trainscope.current.runId);

    // Two reloads while it trains: each page misses what streamed while it was away.
    for (let k = 0; k < 2; k++) {
      const before = await num(page, 'run-step');
      await page.reload();
      await expect.poll(() => num(page, 'run-step'), { timeout: 60_000 }).toBeGreaterThan(before + 30);
    }

    // Pause and Resume show in the header at once, without a reload.
    await page.getByTestId('pause').click();
    await expect(page.getByTestId('resume').waitFor({ timeout: 20_000 })).resolves.toBeUndefined();
    await page.getByTestId('resume').click();
    await expect(page.getByTestId('pause').waitFor({ timeout: 20_000 })).resolves.toBeUndefined();

    await page.getByTestId('stop').click();
    await expect.poll(async () => page.getByTestId('run-status').textContent(), { timeout: 60_000 }).toBe('stopped');
    await libraryHasEnded(page);

    const folder = readRun(join(env.runsDir(), runId)).events;
    const stored = await libraryOf(page, runId);
    const fileSteps = folder.flatMap((e) => (e.type === 'step' ? [[e.step, e.loss]] : []));
    expect(stored.steps).toHaveLength(fileSteps.length);
    expect(stored.steps).toEqual(fileSteps);
    expect(stored.collections).toEqual(folder.flatMap((e) => (e.type === 'collection' ? [e.step] : [])));
    const kept = (t: string) => !['run-start', 'step', 'collection', 'predictions', 'samples'].includes(t);
    expect(stored.events).toEqual(folder.filter((e) => kept(e.type)).map((e) => [e.i, e.type]));
    expect(stored).toMatchObject({ received: folder.length, status: 'stopped' });
    // and the views show every step the run took
    expect(await num(page, 'run-step')).toBe(fileSteps.length);
    expect(errors).toEqual([]);
    await page.close();
  });
});
