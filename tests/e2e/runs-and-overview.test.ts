// The app as people use it, in Chromium: during a live run the Overview has its tool buttons and a
// samples/s figure before the first epoch ends, and Layers opens on a layer that learns (not the
// flatten in front of it); the runs list tells two runs of the same name apart by their time and
// by what changed between them.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { useBrowserMode, NO_BROWSER } from './chromium.ts';

const env = useBrowserMode();

const asset = (name: string) => JSON.parse(readFileSync(join(__dirname, `../../assets/specs/${name}.json`), 'utf8'));

async function startSpec(page: Page, spec: unknown) {
  await page.getByTestId('tab-new').click();
  await page.getByTestId('spec-editor').fill(JSON.stringify(spec));
  await page.getByTestId('start-run').click();
}

const text = async (page: Page, id: string) => ((await page.getByTestId(id).textContent()) ?? '').trim();

describe.skipIf(NO_BROWSER)('runs and overview', () => {
  it('a live Fashion-MNIST run: the overfit check is on its Overview, samples/s is a number before the first epoch ends, Layers opens on a dense layer', async () => {
    const page = await env.browser().newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(env.server().url);
    // flatten first (the layer the picker used to open on); an epoch long enough to look at it live
    const spec = asset('fashion-mnist-mlp');
    spec.data.limit = 20_000;
    spec.training.epochs = 2;
    await startSpec(page, spec);
    await expect.poll(() => text(page, 'run-status'), { timeout: 90_000 }).toBe('running');

    // samples/s from the steps: a number while no epoch has ended yet (val loss still "--")
    await expect.poll(() => text(page, 'samples-per-sec'), { timeout: 60_000 }).toMatch(/^\d+$/);
    const header = await page.evaluate(() => ['samples-per-sec', 'val-loss', 'run-status'].map((id) => document.querySelector(`[data-testid=${id}]`)?.textContent?.trim()));
    expect(Number(header[0])).toBeGreaterThan(0);
    expect(header[1]).toBe('--');
    expect(header[2]).toBe('running');

    // the tool buttons a finished run has are there during the live run, waiting for it, and say so
    const overfit = page.getByTestId('overfit-run');
    expect(await overfit.count()).toBe(1);
    expect(await overfit.isDisabled()).toBe(true);
    expect(await overfit.getAttribute('title')).toMatch(/when the run .* ends/);
    expect(await page.getByTestId('lr-find-run').count()).toBe(1);

    // Layers opens on the first layer with weights, not on flatten_1
    await page.getByTestId('tab-layers').click();
    const picker = page.getByTestId('layer-picker');
    await expect.poll(() => picker.locator('option').count()).toBe(4);
    const chosen = await picker.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent ?? '');
    expect(chosen).not.toMatch(/flatten/i);
    expect(chosen).toMatch(/^dense_2 \(Dense, relu\)/);
    // a choice sticks while the run goes on
    await picker.selectOption({ index: 3 });
    await page.waitForTimeout(500);
    expect(await picker.evaluate((s: HTMLSelectElement) => s.selectedIndex)).toBe(3);

    await page.getByTestId('tab-overview').click();
    await page.getByTestId('stop').click();
    await expect.poll(() => text(page, 'run-status'), { timeout: 60_000 }).toBe('stopped');
    await expect.poll(() => overfit.isEnabled(), { timeout: 30_000 }).toBe(true);
    expect(await text(page, 'samples-per-sec')).toMatch(/^\d+$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the runs list: two runs of the same name show when they were made and what changed between them; filter and sort', async () => {
    const page = await env.browser().newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(env.server().url);
    const spec = asset('spirals-deep-tanh');
    spec.training.epochs = 2;
    for (const lr of [0.003, 0.03]) {
      spec.training.optimizer.learningRate = lr;
      await startSpec(page, spec);
      await expect.poll(() => text(page, 'run-status'), { timeout: 90_000 }).toMatch(/completed|early-stopped|diverged/);
      await expect.poll(() => page.getByTestId('engine-state').textContent(), { timeout: 30_000 }).toMatch(/idle/);
    }
    await page.getByTestId('tab-library').click();
    const rows = page.getByTestId('run-table').locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    // newest first: the second run, labelled against the first
    for (let i = 0; i < 2; i++) expect(await rows.nth(i).getByTestId('run-created').textContent()).toMatch(/^(today|yesterday) \d\d:\d\d$/);
    expect(await rows.nth(0).getByTestId('spec-diff').textContent()).toBe('lr 0.003 → 0.03');
    expect(await rows.nth(1).getByTestId('spec-diff').count()).toBe(0); // the first run has nothing before it

    await page.getByTestId('run-sort').selectOption('oldest');
    await expect.poll(() => rows.nth(0).getByTestId('spec-diff').count()).toBe(0);
    await page.getByTestId('run-filter').fill('no such run');
    await expect.poll(() => rows.count()).toBe(0);
    await page.getByTestId('run-filter').fill('SPIRALS tanh');
    await expect.poll(() => rows.count()).toBe(2);
    expect(errors).toEqual([]);
    await page.close();
  });
});
