// The app in browser mode, end to end: the real server, the real engine process, Debian's
// Chromium, real IndexedDB.
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Page } from 'playwright-core';
import { useBrowserMode, NO_BROWSER } from './chromium.ts';

const env = useBrowserMode();

function wsStatus(url: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => { ws.close(); resolve('open'); });
    ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
    ws.on('error', (e) => resolve(`error ${e.message}`));
  });
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
    // let the library's last batched write land
    await page.waitForFunction(() => (window as any).__trainscope.runs.some((r: any) => r.status === 'stopped'), null, { timeout: 10_000 });

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
});
