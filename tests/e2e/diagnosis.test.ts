// Diagnosis in the app, in Chromium: a broken run shows its finding with evidence, and trying the
// suggested fix runs a variant whose symptom is gone.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBrowserMode } from './chromium.ts';

const env = useBrowserMode();

describe('diagnosis in the app', () => {
  it('shows the finding of a broken run, and the suggested fix makes it go away', async () => {
    const page = await env.browser().newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(env.server().url);
    const spec = JSON.parse(readFileSync(join(__dirname, '../fixtures/diagnosis/lr-too-high.json'), 'utf8'));
    spec.training.epochs = 1;
    await page.getByTestId('spec-editor').fill(JSON.stringify(spec));
    await page.getByTestId('start-run').click();
    const finding = page.locator('[data-testid=finding][data-kind=lr_too_high]');
    await expect.poll(() => finding.count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(async () => page.getByTestId('run-status').textContent(), { timeout: 60_000 }).toBe('completed');
    await finding.locator('.finding-row').click();
    expect(await finding.locator('li').first().textContent()).toMatch(/median update ratio/);
    await finding.getByTestId('try-lower_lr').click();
    await expect.poll(async () => page.getByTestId('trial-verdict').textContent(), { timeout: 90_000 }).toBe('the symptom went away');
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
