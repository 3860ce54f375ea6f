// The data audit in Chromium against the real server: a finished digits run, Audit data on its
// Overview, the training samples it doubts opened in the Misclassified view as the
// "train (cross-validated)" split, filtered to the likely label issues, two of them marked and
// exported with their indices in the training split.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

  it('marks the test samples that nearly repeat training ones in Misclassified once the audit has looked', async () => {
    // three blobs in 4 features; test rows 40-45 are training rows 10, 20... with a little noise
    const dir = mkdtempSync(join(tmpdir(), 'trainscope-twins-'));
    let seed = 3;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const row = (i: number) => { const c = i % 3; return [...[0, 1, 2, 3].map((f) => (f === c ? 4 : 0) + (rand() - 0.5) * 3), c]; };
    const train = Array.from({ length: 300 }, (_, i) => row(i));
    const test = [...Array.from({ length: 40 }, (_, i) => row(i)), ...[10, 20, 30, 40, 50, 60].map((t) => train[t].map((v, f) => (f < 4 ? v + 0.001 : v)))];
    const csv = (rows: number[][]) => `a,b,c,d,label\n${rows.map((r) => r.map((v, f) => (f < 4 ? v.toFixed(4) : v)).join(',')).join('\n')}\n`;
    writeFileSync(join(dir, 'train.csv'), csv(train));
    writeFileSync(join(dir, 'test.csv'), csv(test));
    const spec = {
      name: 'twins', seed: 1,
      data: { train: { type: 'csv', path: join(dir, 'train.csv'), label: 'label' }, test: { type: 'csv', path: join(dir, 'test.csv'), label: 'label' }, validation: 0 },
      model: { layers: [{ type: 'dense', units: 8, activation: 'relu' }, { type: 'dense', units: 3, activation: 'softmax' }] },
      training: { epochs: 2, batchSize: 32 },
    };
    const page = await env.browser().newPage({ viewport: { width: 1400, height: 1100 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(env.server().url);
    await page.getByTestId('tab-new').click();
    await page.getByTestId('spec-editor').fill(JSON.stringify(spec));
    await page.getByTestId('start-run').click();
    await expect.poll(async () => page.getByTestId('run-status').textContent(), { timeout: 120_000 }).toBe('completed');
    await expect.poll(() => page.getByTestId('audit-run').isEnabled(), { timeout: 30_000 }).toBe(true);
    await page.getByTestId('audit-run').click();
    await expect.poll(() => page.getByTestId('audit-result').count(), { timeout: 240_000 }).toBe(1);
    await page.getByTestId('tool-browse').click();
    await page.getByTestId('split').selectOption('test');
    await expect.poll(async () => page.getByTestId('near-twin-count').textContent(), { timeout: 10_000 }).toBe('6 test samples');
    await page.getByTestId('near-twin-count').click();
    await expect.poll(async () => page.getByTestId('grid-count').textContent()).toBe('6 samples');
    await page.locator('.sample').first().click();
    expect(await page.getByTestId('near-twin-flag').textContent()).toMatch(/^near twin of training row (10|20|30|40|50|60) \(input cosine 1\.000\)$/);
    await page.screenshot({ path: '/tmp/audit-near-twins.png', fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});
