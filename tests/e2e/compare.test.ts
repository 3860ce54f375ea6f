// Comparing runs as people do it, in Chromium: two short real runs of one spec that differ only in
// the learning rate, ticked in the runs list and compared. The legend names both, the spec table
// shows exactly the learning rate with both values, each run's diagnosis is there, the x axis and
// the smoothing redraw the curves, and the address keeps the comparison across a reload; a run the
// library lacks is named, not a broken view.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { useBrowserMode, NO_BROWSER } from './chromium.ts';

const env = useBrowserMode();

const asset = (name: string) => JSON.parse(readFileSync(join(__dirname, `../../assets/specs/${name}.json`), 'utf8'));

async function startSpec(page: Page, spec: unknown) {
  await page.getByTestId('tab-new').click();
  await page.getByTestId('spec-editor').fill(JSON.stringify(spec));
  await page.getByTestId('start-run').click();
}

const text = async (page: Page, id: string) => ((await page.getByTestId(id).textContent()) ?? '').trim();
const texts = async (loc: Locator) => (await loc.allTextContents()).map((t) => t.trim());
/** What a chart's canvas shows, as pixels: changes when anything drawn changes. */
const pixels = (chart: Locator) => chart.locator('canvas').evaluate((c: HTMLCanvasElement) => c.toDataURL());

describe.skipIf(NO_BROWSER)('comparing runs', () => {
  it('two runs that differ in learning rate: legend, spec difference, diagnoses, axis and smoothing, kept across a reload', async () => {
    const page = await env.browser().newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('dialog', (d) => { void d.accept(); });
    await page.goto(env.server().url);
    const spec = asset('spirals-deep-tanh');
    spec.training.epochs = 3;
    for (const lr of [0.003, 0.05]) {
      spec.training.optimizer.learningRate = lr;
      await startSpec(page, spec);
      await expect.poll(() => text(page, 'run-status'), { timeout: 90_000 }).toMatch(/completed|early-stopped|diverged/);
      await expect.poll(() => page.getByTestId('engine-state').textContent(), { timeout: 30_000 }).toMatch(/idle/);
    }

    // Tick both in the runs list: "Compare (2)"
    await page.getByTestId('tab-library').click();
    const rows = page.getByTestId('run-table').locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-run-id')!).reverse()); // oldest first: lr 0.003, then 0.05
    const button = page.getByTestId('compare-runs');
    expect(await button.isDisabled()).toBe(true);
    await rows.nth(1).getByTestId('compare-pick').check();
    expect(await button.textContent()).toBe('Compare (1)');
    await rows.nth(0).getByTestId('compare-pick').check();
    expect(await button.textContent()).toBe('Compare (2)');
    await page.screenshot({ path: '/tmp/compare-library.png' });
    await button.click();

    // the legend names both runs (same spec name: told apart by their learning rates)
    const legend = page.getByTestId('compare-legend').locator('.entry');
    await expect.poll(() => legend.count(), { timeout: 20_000 }).toBe(2);
    expect(await texts(legend.locator('.name'))).toEqual(['spirals-deep-tanh · learningRate 0.003', 'spirals-deep-tanh · learningRate 0.05']);
    expect(await page.evaluate(() => location.hash)).toBe(`#compare=${ids.join(',')}`);

    // the spec table: exactly the learning rate, with both values
    const diff = page.getByTestId('compare-spec-diff');
    expect(await texts(diff.getByTestId('spec-diff-path'))).toEqual(['training.optimizer.learningRate']);
    expect(await texts(diff.locator('tbody tr td'))).toEqual(['training.optimizer.learningRate', '0.003', '0.05']);

    // each run's diagnosis: the cause's headline or "no problem found" (never "still running": both ended)
    const causes = await texts(page.getByTestId('compare-cause'));
    expect(causes).toHaveLength(2);
    for (const c of causes) { expect(c.length).toBeGreaterThan(3); expect(c).not.toBe('still running'); }

    // the curves share one x range (the accuracy, recorded per epoch, starts at 0 like the loss); the layers matched by name
    const loss = page.getByTestId('compare-chart-loss');
    const ends = await Promise.all(['compare-chart-loss', 'compare-chart-accuracy', 'compare-chart-lr'].map(async (id) => {
      const t = (await page.getByTestId(id).locator('canvas').getAttribute('data-x-ticks'))!.split(' ');
      return t[0];
    }));
    expect(ends).toEqual(['0', '0', '0']);
    const layers = page.getByTestId('compare-layer');
    expect(await layers.count()).toBe(6);
    expect(await layers.first().locator('canvas').count()).toBe(2);
    await page.screenshot({ path: '/tmp/compare-top.png' });
    await page.screenshot({ path: '/tmp/compare-full.png', fullPage: true });

    // hovering the loss chart reads every run at that x
    const box = (await loss.locator('canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
    const tip = loss.getByTestId('chart-tip');
    await expect.poll(() => tip.count()).toBe(1);
    for (const lr of ['0.003', '0.05']) expect(await tip.textContent()).toContain(`learningRate ${lr} · train`);
    await page.screenshot({ path: '/tmp/compare-hover.png', clip: { x: box.x - 20, y: box.y - 60, width: box.width + 40, height: box.height + 80 } });
    await page.mouse.move(0, 0);

    // step -> epoch: the x ticks and the drawn paths change
    const canvas = loss.locator('canvas');
    const stepTicks = await canvas.getAttribute('data-x-ticks');
    const stepPixels = await pixels(loss);
    await page.getByTestId('compare-axis-epoch').click();
    await expect.poll(() => canvas.getAttribute('data-x-ticks')).not.toBe(stepTicks);
    expect((await canvas.getAttribute('data-x-ticks'))!.split(' ')).toEqual(['0', '1', '2', '3']);
    expect(await pixels(loss)).not.toBe(stepPixels);
    await page.screenshot({ path: '/tmp/compare-epoch.png' });

    // smoothing off: the raw curves alone; the paths change again
    const smoothed = await pixels(loss);
    await page.getByTestId('compare-smoothing').fill('0');
    await expect.poll(() => pixels(loss)).not.toBe(smoothed);
    await page.getByTestId('compare-smoothing').fill('0.95');
    await expect.poll(() => pixels(loss)).not.toBe(smoothed);
    await page.screenshot({ path: '/tmp/compare-smooth95.png' });

    // a reload keeps the comparison
    await page.reload();
    await expect.poll(() => legend.count(), { timeout: 20_000 }).toBe(2);
    expect(await page.evaluate(() => location.hash)).toBe(`#compare=${ids.join(',')}`);
    expect(await texts(page.getByTestId('compare-spec-diff').getByTestId('spec-diff-path'))).toEqual(['training.optimizer.learningRate']);

    // each diagnosis line is what that run's own Overview says: its cause card's headline, or "no problems found"
    const lines = await texts(page.getByTestId('compare-cause'));
    for (let i = 0; i < 2; i++) {
      await page.getByTestId('compare-runs').locator('tbody tr').nth(i).getByRole('button').first().click();
      await expect.poll(() => page.getByTestId('run-status').count()).toBe(1);
      const card = page.getByTestId('cause-title');
      await expect.poll(async () => (await card.count()) + (await page.getByTestId('cause-healthy').count()) + (await page.getByTestId('cause-none').count()), { timeout: 10_000 }).toBe(1);
      if (await card.count()) expect(lines[i]).toBe(((await card.textContent()) ?? '').trim());
      else if (await page.getByTestId('cause-healthy').count()) expect(lines[i]).toBe('no problem found');
      else expect(lines[i]).toMatch(/^no single cause/);
      await page.getByTestId('tab-compare').click();
      await expect.poll(() => legend.count()).toBe(2);
    }

    // a run the library lacks: named, and the rest still compared
    await page.goto(`${env.server().url}#compare=${ids[0]},no-such-run`);
    await page.reload();
    await expect.poll(() => page.getByTestId('compare-missing').count(), { timeout: 20_000 }).toBe(1);
    expect(await text(page, 'compare-missing')).toMatch(/no-such-run is not in the run library/);
    expect(await legend.count()).toBe(1);
    await page.screenshot({ path: '/tmp/compare-missing.png' });

    // a compared run deleted from the library: the view says so instead of breaking
    await page.goto(`${env.server().url}#compare=${ids.join(',')}`);
    await page.reload();
    await expect.poll(() => legend.count(), { timeout: 20_000 }).toBe(2);
    await page.getByTestId('tab-library').click();
    await page.locator(`tr[data-run-id="${ids[1]}"]`).getByRole('button', { name: 'delete' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByTestId('tab-compare').click();
    await expect.poll(() => page.getByTestId('compare-missing').count(), { timeout: 20_000 }).toBe(1);
    expect(await legend.count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
