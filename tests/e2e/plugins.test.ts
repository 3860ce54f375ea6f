// The two plugins added through the registries, in the app in Chromium: the batch-norm
// instrument's tab on a run with BN (its charts and the fold check), and the LR range test's
// panel in New run and on a run's Overview.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBrowserMode, NO_BROWSER } from './chromium.ts';

const env = useBrowserMode();

describe.skipIf(NO_BROWSER)('plugins in the app', () => {
  it('a run with batch norm: the Batch norm tab charts it and shows the fold check', async () => {
    const page = await env.browser().newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(env.server().url);
    // no run yet: the tab is there (registry), not dimmed
    await expect.poll(() => page.getByTestId('tab-batchnorm').count()).toBe(1);
    const spec = JSON.parse(readFileSync(join(__dirname, '../fixtures/batchnorm/dense-bn.json'), 'utf8'));
    spec.training.epochs = 2;
    await page.getByTestId('spec-editor').fill(JSON.stringify(spec));
    await page.getByTestId('start-run').click();
    await expect.poll(async () => page.getByTestId('run-status').textContent(), { timeout: 90_000 }).toBe('completed');
    expect(await page.getByTestId('tab-batchnorm').getAttribute('class')).not.toContain('dim');
    await page.getByTestId('tab-batchnorm').click();
    await expect.poll(() => page.getByTestId('batchnorm-view').count()).toBe(1);
    for (const id of ['chart-bn-stats', 'chart-bn-gamma', 'chart-bn-scale']) expect(await page.getByTestId(id).locator('canvas').count()).toBe(1);
    const rows = page.getByTestId('bn-fold').locator('tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(2);
    const text = (await page.getByTestId('bn-fold').textContent()) ?? '';
    expect(text).toMatch(/bn1\s*fc1/); // folded into the dense layer before it
    expect(text).toMatch(/pass/);
    expect(text).not.toMatch(/FAIL/);
    expect(text).toMatch(/bn2.*not foldable/s); // after a tanh: the activation sits between
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the LR range test from New run and on a run\'s Overview', async () => {
    const page = await env.browser().newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(env.server().url);
    await page.getByTestId('tab-new').click();
    await page.getByTestId('lr-find').click();
    const result = page.getByTestId('lr-find-result');
    await expect.poll(() => result.count(), { timeout: 90_000 }).toBe(1);
    expect(await page.getByTestId('lr-find-numbers').textContent()).toMatch(/suggested \d/);
    expect(await page.getByTestId('lr-find-verdict').textContent()).toMatch(/\w/);
    expect(await page.getByTestId('chart-lr-find').locator('canvas').count()).toBe(1);
    // on a run's Overview, with that run's spec (the demo, stopped after a few steps)
    await page.getByTestId('tab-new').click();
    await page.getByTestId('start-demo').click();
    await expect.poll(async () => Number((await page.getByTestId('run-step').textContent())?.split('/')[0]), { timeout: 60_000 }).toBeGreaterThan(5);
    await page.getByTestId('stop').click();
    await expect.poll(async () => page.getByTestId('run-status').textContent(), { timeout: 60_000 }).toBe('stopped');
    await expect.poll(() => page.getByTestId('lr-find-run').isEnabled(), { timeout: 30_000 }).toBe(true);
    await page.getByTestId('lr-find-run').click();
    await expect.poll(() => page.getByTestId('tool-running').count(), { timeout: 10_000 }).toBe(1); // its progress while it runs
    await expect.poll(() => page.getByTestId('lr-find-result').count(), { timeout: 90_000 }).toBe(1);
    expect(await page.getByTestId('lr-find-verdict').textContent()).toMatch(/\w/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
