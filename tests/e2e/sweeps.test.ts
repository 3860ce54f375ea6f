// Sweeps as people run them, in Chromium: a grid over three learning rates defined from New run's
// spec (a wrong value is refused at its field first), started, watched until every trial is done;
// a brush on the learning-rate axis of the parallel coordinates filters the lines and the table;
// two trials ticked open the Compare view with both; a reload shows the sweep again. Then the
// optimisers preset fills the definition in one click and runs its eight trials, and a small
// successive-halving sweep draws its bracket.
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { useBrowserMode, NO_BROWSER } from './chromium.ts';

const env = useBrowserMode();

/** A spec that trains in a second or two: a small spirals set, a small MLP. */
const tiny = {
  name: 'tiny-spirals', seed: 3,
  data: { train: { type: 'synthetic', name: 'spirals', samples: 400, classes: 3, noise: 0.05 }, validation: 0.2, normalize: 'standardize' },
  model: { layers: [{ type: 'dense', units: 16, activation: 'tanh' }, { type: 'dense', units: 16, activation: 'tanh' }, { type: 'dense', units: 3, activation: 'softmax' }] },
  training: { epochs: 2, batchSize: 32, optimizer: { type: 'adam', learningRate: 0.01 } },
  instruments: { every: 5 },
};

const texts = async (loc: Locator) => (await loc.allTextContents()).map((t) => t.trim());
const field = (page: Page, path: string) => page.locator(`[data-testid=sweep-fields] tr[data-path="${path}"]`);

async function waitFinished(page: Page, trials: number, timeout: number) {
  await expect.poll(() => page.getByTestId('sweep-state').textContent(), { timeout }).toBe('finished');
  await expect.poll(() => page.getByTestId('sweep-trials').locator('tbody tr').count()).toBe(trials);
}

describe.skipIf(NO_BROWSER)('sweeps', () => {
  it('define a grid over the learning rate, watch it, brush an axis, compare two trials, reload; the optimisers preset; an ASHA bracket', async () => {
    const page = await env.browser().newPage({ viewport: { width: 1440, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(env.server().url);
    await page.getByTestId('tab-new').click();
    await page.getByTestId('spec-editor').fill(JSON.stringify(tiny));

    // Define: the fields come from the spec, with their paths
    await page.getByTestId('tab-sweeps').click();
    const paths = await page.locator('[data-testid=sweep-fields] tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-path')));
    expect(paths).toEqual(expect.arrayContaining(['training.optimizer', 'training.optimizer.learningRate', 'training.batchSize', 'training.epochs',
      'model.layers[0].units', 'model.layers[0].activation', 'model.layers[0].kernelInitializer', 'model.layers[0].kernelRegularizer.l2', 'model.layers[1].units']));
    expect(paths).not.toContain('model.layers[2].units'); // the output layer's size follows from the task

    const lr = field(page, 'training.optimizer.learningRate');
    await lr.getByTestId('sweep-field-tick').check();
    // a value that is not a number, then one the run spec refuses: said at the field, and no Start
    await lr.getByTestId('sweep-field-values').fill('0.003, abc');
    await expect.poll(() => texts(lr.getByTestId('sweep-issue'))).toEqual(['"abc" is not a number']);
    expect(await page.getByTestId('sweep-start').isDisabled()).toBe(true);
    await lr.getByTestId('sweep-field-values').fill('0.003, -1');
    await expect.poll(async () => (await texts(lr.getByTestId('sweep-issue'))).join(' ')).toMatch(/-1 does not give a valid run spec \(training\.optimizer\.learningRate/);
    expect(await page.getByTestId('sweep-start').isDisabled()).toBe(true);
    // a range needs method random: a grid says so at the field
    await lr.getByTestId('sweep-field-mode').selectOption('log_uniform');
    await expect.poll(async () => (await texts(lr.getByTestId('sweep-issue'))).join(' ')).toMatch(/a grid needs a list of values/);
    await lr.getByTestId('sweep-field-mode').selectOption('values');
    await lr.getByTestId('sweep-field-values').fill('0.001, 0.01, 0.1');
    await expect.poll(() => lr.getByTestId('sweep-issue').count()).toBe(0);
    expect(await page.getByTestId('sweep-count').textContent()).toMatch(/3 combinations: 3 trials/);
    await page.getByTestId('sweep-name').fill('lr-grid');
    await page.getByTestId('sweep-concurrency').fill('1');
    await page.screenshot({ path: '/tmp/sweeps-define.png' });

    // Start: the trials appear in the table and run to the end
    await page.getByTestId('sweep-start').click();
    await expect.poll(() => page.getByTestId('sweep-trials').locator('tbody tr').count(), { timeout: 30_000 }).toBe(3);
    await page.screenshot({ path: '/tmp/sweeps-running.png' });
    await waitFinished(page, 3, 240_000);
    const statuses = await texts(page.getByTestId('sweep-status'));
    expect(statuses.every((s) => /completed|early-stopped/.test(s))).toBe(true);
    const metrics = (await texts(page.getByTestId('sweep-metric'))).map(Number);
    expect(metrics.every((m) => Number.isFinite(m) && m > 0)).toBe(true);
    // the best trial is highlighted, and sorting by the metric puts it first
    expect(await page.locator('[data-testid=sweep-trials] tr.best').count()).toBe(1);
    await page.getByTestId('sweep-sort-metric').click();
    expect(await page.locator('[data-testid=sweep-trials] tbody tr').first().getAttribute('class')).toMatch(/best/);
    const sorted = (await texts(page.getByTestId('sweep-metric'))).map(Number);
    expect(sorted).toEqual([...sorted].sort((a, b) => a - b));
    const lines = page.getByTestId('parcoords').locator('.lines path');
    expect(await lines.count()).toBe(3);
    expect(await page.getByTestId('sweep-scatter').count()).toBe(1);
    await page.screenshot({ path: '/tmp/sweeps-finished.png', fullPage: true });

    // Brush the learning-rate axis around its lowest value (an ordinal axis: 0.001 in its bottom third)
    const brush = page.locator('[data-testid=parcoords-brush][data-key="training.optimizer.learningRate"] .overlay');
    const box = (await brush.boundingBox())!;
    const x = box.x + box.width / 2;
    await page.mouse.move(x, box.y + box.height - 2);
    await page.mouse.down();
    await page.mouse.move(x, box.y + box.height * 0.75, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('sweep-trials').locator('tbody tr').count()).toBe(1);
    expect(await page.locator('[data-testid=parcoords] .lines path[data-inside=true]').count()).toBe(1);
    expect(await page.locator('[data-testid=parcoords] .lines path.out').count()).toBe(2);
    expect(await page.getByTestId('sweep-trials').locator('tbody td:nth-child(3)').textContent()).toBe('0.001');
    expect(await page.getByTestId('sweep-brushed-count').textContent()).toBe('1 of 3 trials brushed');
    await page.screenshot({ path: '/tmp/sweeps-brushed.png', fullPage: true });
    await page.getByTestId('sweep-clear-brushes').click();
    await expect.poll(() => page.getByTestId('sweep-trials').locator('tbody tr').count()).toBe(3);
    expect(await page.locator('[data-testid=parcoords] .lines path.out').count()).toBe(0);

    // Tick two trials: Compare (2) opens the Compare view with both runs
    const rows = page.getByTestId('sweep-trials').locator('tbody tr');
    const runIds = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-run-id')!));
    await rows.nth(0).getByTestId('sweep-pick').check();
    await rows.nth(1).getByTestId('sweep-pick').check();
    expect(await page.getByTestId('sweep-compare').textContent()).toBe('Compare (2)');
    await page.getByTestId('sweep-compare').click();
    const legend = page.getByTestId('compare-legend').locator('.entry');
    await expect.poll(() => legend.count(), { timeout: 20_000 }).toBe(2);
    const compared = await legend.evaluateAll((es) => es.map((e) => e.getAttribute('data-run-id')));
    expect(compared).toEqual([runIds[0], runIds[1]]);
    expect(await page.evaluate(() => location.hash)).toBe(`#compare=${runIds[0]},${runIds[1]}`);
    expect(await texts(page.getByTestId('compare-spec-diff').getByTestId('spec-diff-path'))).toContain('training.optimizer.learningRate');
    await page.screenshot({ path: '/tmp/sweeps-compare.png' });

    // A reload: the welcome brings the sweep back; a row opens its trial's run
    await page.getByTestId('tab-sweeps').click();
    await page.reload();
    await expect.poll(() => page.getByTestId('sweep-trials').locator('tbody tr').count(), { timeout: 20_000 }).toBe(3);
    expect(await page.getByTestId('sweep-state').textContent()).toBe('finished');
    const third = await rows.nth(2).getAttribute('data-run-id');
    expect(runIds).toContain(third);
    await rows.nth(2).locator('td').nth(1).click();
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#run=${third}&tab=overview`);

    // The optimisers preset: one click fills the definition (eight optimisers), and all eight run
    await page.getByTestId('tab-sweeps').click();
    await page.getByTestId('sweep-new').click();
    await page.getByTestId('sweep-preset-optimizers').click();
    expect(await page.getByTestId('sweep-preset-card').textContent()).toMatch(/plain SGD slowest/);
    expect(await page.getByTestId('sweep-count').textContent()).toMatch(/8 combinations: 8 trials/);
    await page.screenshot({ path: '/tmp/sweeps-preset.png' });
    await page.getByTestId('sweep-start').click();
    await expect.poll(() => page.getByTestId('sweep-trials').locator('tbody tr').count(), { timeout: 30_000 }).toBe(8);
    expect(await page.getByTestId('sweep-head').textContent()).toMatch(/optimizers/);
    await waitFinished(page, 8, 400_000);
    expect(await texts(page.getByTestId('sweep-trials').locator('tbody td:nth-child(3)'))).toEqual(['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'nadam', 'adamax']);
    await page.screenshot({ path: '/tmp/sweeps-optimizers.png', fullPage: true });
    // the comparison of all eight: one curve each, named by its optimiser
    const picks = page.getByTestId('sweep-trials').getByTestId('sweep-pick');
    for (let i = 0; i < 8; i++) await picks.nth(i).check();
    await page.getByTestId('sweep-compare').click();
    const entries = page.getByTestId('compare-legend').locator('.entry');
    await expect.poll(() => entries.count(), { timeout: 20_000 }).toBe(8);
    const optimisers = (await texts(entries)).join(' ');
    for (const o of ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'nadam', 'adamax']) expect(optimisers).toContain(o);
    await page.screenshot({ path: '/tmp/sweeps-optimizers-compare.png', fullPage: true });
    await page.getByTestId('tab-sweeps').click();

    // Successive halving on a log range: the bracket has a column per rung
    await page.getByTestId('sweep-new').click();
    await page.getByTestId('sweep-preset-clear').click();
    // the form came through the reload above: the learning rate is still ticked, with its values
    expect(await lr.getByTestId('sweep-field-tick').isChecked()).toBe(true);
    expect(await lr.getByTestId('sweep-field-values').inputValue()).toBe('0.001, 0.01, 0.1');
    await lr.getByTestId('sweep-field-mode').selectOption('log_uniform');
    await lr.getByTestId('sweep-field-low').fill('0.0003');
    await lr.getByTestId('sweep-field-high').fill('0.3');
    await page.getByTestId('sweep-method').selectOption('asha');
    await page.getByTestId('sweep-trial-count').fill('6');
    await page.getByTestId('sweep-asha-min').fill('1');
    await page.getByTestId('sweep-asha-max').fill('3');
    await page.getByTestId('sweep-asha-eta').fill('3');
    await page.getByTestId('sweep-name').fill('lr-asha');
    await expect.poll(() => page.getByTestId('sweep-start').isEnabled()).toBe(true);
    await page.getByTestId('sweep-start').click();
    await expect.poll(() => page.getByTestId('sweep-head').textContent(), { timeout: 30_000 }).toMatch(/lr-asha/);
    await waitFinished(page, 6, 300_000);
    expect(await texts(page.getByTestId('bracket-column'))).toHaveLength(2);
    expect(await page.locator('[data-testid=sweep-bracket] circle').count()).toBeGreaterThanOrEqual(6);
    await page.screenshot({ path: '/tmp/sweeps-asha.png', fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 1_200_000);
});
