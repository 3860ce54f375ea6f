// Diagnosis in the app, in Chromium: a broken run shows its cause on a card with the symptoms it
// explains under it; trying the cause's fix runs a variant whose symptom is gone, and that variant
// is applied in one click (New run opens with its spec; the library links it to its original).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { useBrowserMode, NO_BROWSER } from './chromium.ts';

const env = useBrowserMode();

const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, `../fixtures/diagnosis/${name}.json`), 'utf8'));

async function startSpec(page: Page, spec: unknown) {
  await page.getByTestId('spec-editor').fill(JSON.stringify(spec));
  await page.getByTestId('start-run').click();
}

describe.skipIf(NO_BROWSER)('diagnosis in the app', () => {
  it('a broken run shows its cause on a card at the top of Overview, with the chain and the symptoms it explains folded under it', async () => {
    const page = await env.browser().newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(env.server().url);
    // SGD at learning rate 5: the first updates kill the ReLU units, whose deadness then makes the update
    // ratios tiny. The cause is the learning rate; the dead units are its symptom.
    await startSpec(page, fixture('hidden-relu-sgd-lr5'));
    await expect.poll(async () => page.getByTestId('run-status').textContent(), { timeout: 90_000 }).toMatch(/completed|diverged/);
    const card = page.getByTestId('cause-card');
    await expect.poll(() => card.getAttribute('data-kind'), { timeout: 30_000 }).toBe('lr_too_high');
    expect(await card.getByTestId('cause-title').textContent()).toMatch(/learning rate/i);
    expect(await card.getByTestId('cause-confidence').textContent()).toMatch(/\(\d+%\)/);
    expect(await card.getByTestId('cause-chain').locator('.link').count()).toBeGreaterThanOrEqual(2);
    expect(await card.getByTestId('cause-fix').textContent()).toMatch(/learning rate/i);
    expect(await card.getByTestId('try-lower_lr').count()).toBe(1);
    // never "raise the learning rate" in a run that showed it too high
    expect(await page.getByTestId('try-raise_lr').count()).toBe(0);
    // the symptoms are folded under the card, not listed as advice of their own
    const dead = card.locator('[data-testid=finding][data-kind=dead_units]');
    expect(await dead.count()).toBe(0);
    expect(await page.locator('[data-testid=findings] [data-testid=finding][data-kind=dead_units]').count()).toBe(0);
    await card.getByTestId('cause-symptoms-toggle').click();
    expect(await dead.count()).toBe(1);
    await dead.locator('.finding-row').click();
    const perLayer = dead.getByTestId('per-layer');
    expect(await perLayer.locator('tbody tr').count()).toBeGreaterThanOrEqual(1);
    expect(await perLayer.getByTestId('sparkline').first().locator('path').getAttribute('d')).toMatch(/^M/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the cause\'s fix, tried, makes the symptom go away; the variant is applied in one click and linked to its original', async () => {
    const page = await env.browser().newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(env.server().url);
    const spec = fixture('lr-too-high');
    spec.training.epochs = 3; // the trial runs two: adopting the variant gives the original's three back
    await startSpec(page, spec);
    const card = page.locator('[data-testid=cause-card][data-kind=lr_too_high]');
    await expect.poll(() => card.count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(async () => page.getByTestId('run-status').textContent(), { timeout: 60_000 }).toBe('completed');
    // its finding, under the card: the number that triggered it first
    await card.getByTestId('cause-symptoms-toggle').click();
    const finding = card.locator('[data-testid=finding][data-kind=lr_too_high]');
    await finding.locator('.finding-row').click();
    expect(await finding.locator('li').first().textContent()).toMatch(/update ratio/);
    await card.getByTestId('try-lower_lr').click();
    await expect.poll(async () => page.getByTestId('trial-verdict').textContent(), { timeout: 90_000 }).toBe('the symptom went away');
    expect(await page.getByTestId('trial-table').locator('tbody tr').count()).toBeGreaterThanOrEqual(1);

    await page.getByTestId('apply-variant').click();
    expect(await page.getByTestId('tab-new').getAttribute('class')).toMatch(/active/);
    await expect.poll(async () => JSON.parse(await page.getByTestId('spec-editor').inputValue()).training.optimizer.learningRate).toBeCloseTo(spec.training.optimizer.learningRate / 10, 10);
    const adopted = JSON.parse(await page.getByTestId('spec-editor').inputValue());
    expect(adopted.training.epochs).toBe(3);
    expect(adopted.name).toBe('lr-too-high-lower-lr');
    expect(await page.getByTestId('spec-issue').count()).toBe(0);
    expect(await page.getByTestId('adopted-note').textContent()).toMatch(/variant of lr-too-high with learning rate \/ 10/);

    // the library links the trial's run to its original, and opens the original from there
    await page.getByTestId('tab-library').click();
    const link = page.getByTestId('variant-of');
    await expect.poll(() => link.count(), { timeout: 10_000 }).toBe(1);
    expect((await link.textContent())?.replace(/\s+/g, ' ').trim()).toBe('variant of lr-too-high (learning rate / 10)');
    // the adopted spec, started, is a variant of the original too
    await page.getByTestId('tab-new').click();
    await page.getByTestId('start-run').click();
    // its run trains for the original's three epochs (the trial's ran two)
    const steps = 3 * Math.ceil((spec.data.train.samples * (1 - spec.data.validation)) / spec.training.batchSize);
    await expect.poll(async () => page.getByTestId('run-step').textContent(), { timeout: 60_000 }).toBe(`${steps} / ${steps}`);
    await expect.poll(async () => page.getByTestId('engine-state').textContent(), { timeout: 60_000 }).toMatch(/idle/);
    await page.getByTestId('tab-library').click();
    await expect.poll(() => link.count(), { timeout: 10_000 }).toBe(2);
    await link.first().getByTestId('variant-original').click();
    await expect.poll(() => page.getByTestId('tab-overview').getAttribute('class')).toMatch(/active/);
    await expect.poll(() => page.getByTestId('run-stats').locator('.v').first().textContent()).toBe('lr-too-high');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('runs the gradient check and the init explorer from New run', async () => {
    const page = await env.browser().newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(env.server().url);
    await page.getByTestId('gradcheck').click();
    await expect.poll(async () => page.getByTestId('gradcheck-result').locator('b').first().textContent(), { timeout: 60_000 }).toBe('Gradient check: PASS');
    expect(await page.getByTestId('gradcheck-result').locator('tbody tr').count()).toBe(6); // the demo: 3 dense layers x kernel, bias
    await page.getByTestId('init-explorer').click();
    const grid = page.getByTestId('init-explorer-result');
    await expect.poll(() => grid.locator('thead th').count(), { timeout: 90_000 }).toBe(5); // layer + 4 initialisers
    expect(await grid.locator('tbody tr').count()).toBe(5); // the demo's five layers
    await page.close();
  });
});
