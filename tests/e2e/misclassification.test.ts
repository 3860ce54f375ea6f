// The misclassification browser and the overfit check in Chromium, against the real server.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { useBrowserMode, NO_BROWSER } from './chromium.ts';

const env = useBrowserMode();

describe.skipIf(NO_BROWSER)('misclassification browser', () => {
  it('after a digits run: confusion matrix, a cell filters the grid, images show, marks survive a reload and export', async () => {
    const page = await env.browser().newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(env.server().url);
    await page.getByTestId('start-demo').click();
    await page.waitForFunction(() => (window as any).__trainscope.current?.predictions.validation.size >= 1, null, { timeout: 90_000 });
    await page.getByTestId('stop').click();
    // (on a loaded machine the short demo can finish before Stop lands: either way the run has ended)
    await page.waitForFunction(() => (window as any).__trainscope.runs.some((r: any) => r.status === 'stopped' || r.status === 'completed'), null, { timeout: 60_000 });

    await page.getByTestId('tab-predictions').click();
    await expect.poll(() => page.getByTestId('confusion').locator('button.cell').count()).toBe(100);
    // the most confused pair of the latest epoch
    const pair = await page.evaluate(() => {
      const run = (window as any).__trainscope.current;
      const m = [...run.predictions.validation.values()].at(-1).header.confusion as number[][];
      let best = { t: 0, p: 1, n: -1 };
      m.forEach((row, t) => row.forEach((n, p) => { if (t !== p && n > best.n) best = { t, p, n }; }));
      return best;
    });
    expect(pair.n).toBeGreaterThan(0);
    await page.getByTestId(`cm-${pair.t}-${pair.p}`).click();
    await expect.poll(async () => page.getByTestId('grid-count').textContent()).toBe(`${pair.n} samples`);
    const captions = await page.locator('.sample .cap').allTextContents();
    expect(captions.length).toBe(pair.n);
    for (const c of captions) expect(c).toBe(`${pair.t}→${pair.p}`);
    // images are drawn from their pixels
    const lit = await page.locator('.sample canvas').first().evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let bright = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] > 128) bright++;
      return { w: c.width, h: c.height, bright };
    });
    expect(lit).toMatchObject({ w: 28, h: 28 });
    expect(lit.bright).toBeGreaterThan(20);

    // mark the first sample as a label error (button) and the next as ambiguous (keyboard)
    await page.locator('.sample').first().click();
    const first = Number(await page.locator('.sample').first().getAttribute('data-index'));
    await page.getByTestId('mark-wrong').click();
    let second = -1;
    if (pair.n > 1) {
      await page.getByTestId('sample-grid').press('ArrowRight');
      second = Number(await page.locator('.sample.sel').getAttribute('data-index'));
      await page.keyboard.press('a');
    }
    await expect.poll(() => page.locator('.sample .mark').count()).toBe(pair.n > 1 ? 2 : 1);

    await page.reload();
    await page.getByTestId('tab-library').click();
    await page.getByTestId('run-table').locator('tbody tr').first().locator('button.link').click();
    await page.getByTestId('tab-predictions').click();
    await page.getByTestId(`cm-${pair.t}-${pair.p}`).click();
    await expect.poll(() => page.locator('.sample .mark').count()).toBe(pair.n > 1 ? 2 : 1);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-marks-csv').click()]);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('split,index,given_label,predicted_label,score,mark');
    const line = new RegExp(`^validation,${first},${pair.t},${pair.p},[0-9.e-]+,label-wrong$`);
    expect(csv.filter((l) => line.test(l)), csv.join('\n')).toHaveLength(1);
    if (second >= 0) expect(csv.some((l) => l.startsWith(`validation,${second},`) && l.endsWith(',ambiguous'))).toBe(true);
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-marks-json').click()]);
    const rows = JSON.parse(readFileSync((await json.path())!, 'utf8'));
    expect(rows.find((r: { index: number }) => r.index === first)).toMatchObject({ split: 'validation', given_label: String(pair.t), predicted_label: String(pair.p), mark: 'label-wrong' });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Evaluate now: predictions of a run in progress, at the next step', async () => {
    const page = await env.browser().newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(env.server().url);
    await page.waitForFunction(() => (window as any).__trainscope.presets.length > 0);
    const spec = await page.evaluate(() => JSON.parse(JSON.stringify((window as any).__trainscope.presets.find((p: any) => p.demo).spec)));
    spec.training.epochs = 50;
    spec.instruments = { ...(spec.instruments ?? {}), predictions: { every: 0 } }; // none until asked
    await page.getByTestId('spec-editor').fill(JSON.stringify(spec));
    await page.getByTestId('start-run').click();
    await expect.poll(async () => Number((await page.getByTestId('run-step').textContent())?.split('/')[0]), { timeout: 60_000 }).toBeGreaterThan(5);
    await page.getByTestId('tab-predictions').click();
    await page.getByTestId('evaluate-now').click();
    await expect.poll(() => page.getByTestId('confusion').locator('button.cell').count(), { timeout: 60_000 }).toBe(100);
    expect(await page.evaluate(() => (window as any).__trainscope.current.end)).toBeNull();
    await page.getByTestId('stop').click();
    await page.close();
  });

  it('the overfit check runs from the app and shows its verdict', async () => {
    const page = await env.browser().newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(env.server().url);
    await page.getByTestId('overfit').click();
    await expect.poll(async () => page.getByTestId('overfit-result').locator('b').first().textContent(), { timeout: 90_000 }).toBe('Overfit check: PASS');
    await page.close();
  });
});
