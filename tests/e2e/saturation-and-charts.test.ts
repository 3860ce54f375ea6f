// The saturation view and the charts as people use them, in Chromium at 1440x900 after a short real
// training run: the layers map fills the screen (not a strip) with a step axis whose labels do not
// overlap; clicking a cell opens that layer's unit map with legible labels and a readout; a chart's
// PNG export is at twice the size it has on screen.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { useBrowserMode, NO_BROWSER } from './chromium.ts';

const env = useBrowserMode();

const num = async (page: Page, id: string) => Number((await page.getByTestId(id).textContent())?.split('/')[0].trim());

/** The boxes of the visible text elements under `loc`, left to right. */
const boxes = (loc: Locator) => loc.evaluateAll((els) => els.map((e) => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, text: e.textContent }; }));

describe.skipIf(NO_BROWSER)('saturation view and charts', () => {
  it('a full-height layers map with a step axis; a cell opens its unit map; a chart exports a 2x PNG', async () => {
    const page = await env.browser().newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(env.server().url);
    await page.getByTestId('start-demo').click();
    // the map grows while the run trains (its steps are the run's live list)
    await expect.poll(() => num(page, 'run-step'), { timeout: 90_000 }).toBeGreaterThan(30);
    await page.getByTestId('tab-saturation').click();
    const live = page.getByTestId('heatmap-layers').locator('canvas');
    await expect.poll(async () => Number(await live.getAttribute('data-cols'))).toBeGreaterThan(0);
    const cols = Number(await live.getAttribute('data-cols'));
    await expect.poll(async () => Number(await live.getAttribute('data-cols')), { timeout: 60_000 }).toBeGreaterThan(cols);
    await page.getByTestId('tab-overview').click();
    // a short run: enough collections for a map and an epoch for the accuracy chart, then stop
    await expect.poll(() => num(page, 'run-step'), { timeout: 90_000 }).toBeGreaterThan(140);
    await page.getByTestId('stop').click();
    await expect.poll(async () => page.getByTestId('run-status').textContent(), { timeout: 60_000 }).toBe('stopped');

    // The chart's PNG: twice its on-screen size (plus the title and legend drawn in above it).
    const chart = page.getByTestId('chart-loss');
    const shown = (await chart.locator('canvas').boundingBox())!;
    const [download] = await Promise.all([page.waitForEvent('download'), chart.getByTestId('export-png').click()]);
    const png = readFileSync((await download.path())!);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    expect(w).toBe(Math.round(shown.width * 2));
    expect(h).toBeGreaterThan(shown.height * 2 + 40); // the title and legend rows above the chart
    // the epoch axis has whole numbers only
    const xTicks = (await page.getByTestId('chart-accuracy').locator('canvas').getAttribute('data-x-ticks'))!.split(' ');
    expect(xTicks.length).toBeGreaterThanOrEqual(2);
    expect(xTicks.every((t) => /^\d+$/.test(t))).toBe(true);
    // the loss on a log scale: 1-2-5 ticks, every decade in view labelled (1 included: the loss starts above it)
    await page.getByLabel('log scale').check();
    await expect.poll(async () => (await chart.locator('canvas').getAttribute('data-y-ticks'))?.split(' ')).toEqual(expect.arrayContaining(['0.1', '1']));

    await page.getByTestId('tab-saturation').click();
    const layers = page.getByTestId('heatmap-layers');
    const heat = layers.locator('canvas');
    await expect.poll(async () => Number(await heat.getAttribute('data-cols'))).toBeGreaterThanOrEqual(3);
    const box = (await heat.boundingBox())!;
    expect(box.height).toBeGreaterThan(300); // not a strip: it fills the screen's height
    expect(box.y + box.height).toBeLessThanOrEqual(900); // and its axis stays on screen
    // the step axis: tick labels, none overlapping the next
    const ticks = await boxes(layers.getByTestId('step-axis').locator('text.tick-label'));
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < ticks.length; i++) expect(ticks[i].left).toBeGreaterThan(ticks[i - 1].right);
    expect(ticks.every((t) => /^\d+$/.test(t.text ?? ''))).toBe(true);
    // the colour scale is a legend with ticks
    expect(await layers.getByTestId('scale-legend').locator('text').count()).toBeGreaterThanOrEqual(4);

    // Clicking a cell (not a label) opens that layer's unit map.
    expect(await page.getByTestId('heatmap-units').count()).toBe(0);
    await page.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.25);
    const units = page.getByTestId('heatmap-units');
    await expect.poll(() => units.count()).toBe(1);
    const unitCanvas = units.locator('canvas');
    expect(Number(await unitCanvas.getAttribute('data-rows'))).toBeGreaterThan(1);
    // unit labels a person can read, none overlapping
    const labels = units.getByTestId('row-labels').locator('button');
    expect(await labels.count()).toBeGreaterThanOrEqual(2);
    const sizes = await labels.evaluateAll((els) => els.map((e) => parseFloat(getComputedStyle(e).fontSize)));
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(11);
    const rows = await boxes(labels);
    for (let i = 1; i < rows.length; i++) expect(rows[i].top).toBeGreaterThanOrEqual(rows[i - 1].bottom);
    // hovering a cell: a crosshair and a readout of unit, step and value
    const ub = (await unitCanvas.boundingBox())!;
    await page.mouse.move(ub.x + ub.width * 0.5, ub.y + ub.height * 0.5);
    const tip = units.getByTestId('heatmap-tip');
    await expect.poll(() => tip.count()).toBe(1);
    expect(await tip.textContent()).toMatch(/unit \d+.*step \d+.*(dead|alive|%)/s);
    expect(await units.locator('.hm-cross').count()).toBe(2);
    // the layers map is still more than a strip with the unit map open under it
    expect((await heat.boundingBox())!.height).toBeGreaterThan(150);

    // mean |activation|: the same map, another scale
    await page.getByTestId('mode-meanabs').click();
    await expect.poll(async () => layers.getByTestId('scale-legend').textContent()).toMatch(/mean \|activation\|/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
