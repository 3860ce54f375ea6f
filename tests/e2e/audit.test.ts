// The data audit in Chromium against the real server: a finished digits run, Audit data on its
// Overview, the training samples it doubts opened in the Misclassified view as the
// "train (cross-validated)" split, filtered to the likely label issues, two of them marked and
// exported with their indices in the training split.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBrowserMode, NO_BROWSER } from './chromium.ts';

const env = useBrowserMode();

describe.skipIf(NO_BROWSER)('the data audit in the app', () => {
  it('audits a run\'s training labels, opens them in Misclassified, filters the likely label issues, marks two, exports', async () => {
    const page = await env.browser().newPage({ viewport: { width: 1400, height: 1100 }, acceptDownloads: true });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(env.server().url);
    await page.getByTestId('tab-new').click();
    const spec = JSON.parse(readFileSync(join(__dirname, '../../assets/specs/digits-mlp.json'), 'utf8'));
    spec.name = 'audit-digits';
    spec.training.epochs = 2;
    await page.getByTestId('spec-editor').fill(JSON.stringify(spec));
    await page.getByTestId('start-run').click();
    await expect.poll(async () => page.getByTestId('run-status').textContent(), { timeout: 120_000 }).toBe('completed');

    await expect.poll(() => page.getByTestId('audit-run').isEnabled(), { timeout: 30_000 }).toBe(true);
    await page.getByTestId('audit-run').click();
    await expect.poll(() => page.getByTestId('tool-running').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(async () => page.getByTestId('tool-running').textContent(), { timeout: 60_000 }).toMatch(/fold \d\/5/);
    await expect.poll(() => page.getByTestId('audit-result').count(), { timeout: 240_000 }).toBe(1);
    const counts = (await page.getByTestId('audit-counts').textContent()) ?? '';
    const flagged = Number(/([\d,]+) likely label issues/.exec(counts)![1].replace(/,/g, ''));
    expect(flagged).toBeGreaterThan(0);
    await page.screenshot({ path: '/tmp/audit-result.png', fullPage: true });

    await page.getByTestId('tool-browse').click();
    await expect.poll(() => page.getByTestId('split').inputValue(), { timeout: 10_000 }).toBe('train');
    await expect.poll(() => page.getByTestId('subset-note').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('subset-note').textContent()).toMatch(/on all [\d,]+ samples; showing the [\d,]+ flagged or least self-confident/);
    expect(await page.getByTestId('label-issue-count').textContent()).toMatch(new RegExp(`${flagged.toLocaleString('en')} likely label issues`));
    expect(await page.getByTestId('noise-matrix').locator('tbody tr').count()).toBe(10);
    await page.getByTestId('only').selectOption('label-issue');
    await expect.poll(async () => page.getByTestId('grid-count').textContent()).toBe(`${Math.min(flagged, 2000)} samples`);

    // mark the first flagged sample as a label error and the next as ambiguous
    await page.locator('.sample').first().click();
    expect(await page.getByTestId('label-issue-flag').count()).toBe(1);
    const own = async () => Number(/#(\d+)/.exec((await page.getByTestId('sample-detail').textContent()) ?? '')![1]);
    const first = await own();
    await page.getByTestId('mark-wrong').click();
    await page.getByTestId('sample-grid').press('ArrowRight');
    const second = await own();
    await page.keyboard.press('a');
    await expect.poll(() => page.locator('.sample .mark').count()).toBe(2);
    await page.screenshot({ path: '/tmp/audit-misclassified.png', fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-marks-csv').click()]);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
    expect(csv.some((l) => l.startsWith(`train,${first},`) && l.endsWith(',label-wrong')), csv.join('\n')).toBe(true);
    expect(csv.some((l) => l.startsWith(`train,${second},`) && l.endsWith(',ambiguous')), csv.join('\n')).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
