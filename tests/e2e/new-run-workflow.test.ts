// The New run workflow in Chromium: edits survive a tab switch and a reload, a reload returns to
// the run and tab on screen, issues stand at their field with 1-based layer numbers (and the JSON
// line is marked), a wrong output width is flagged while editing, Start says at once what it is
// doing, a run's spec goes back to New run in one click, and the tools' results sit beside the
// form with a verdict on top.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowserMode, NO_BROWSER } from './chromium.ts';

const env = useBrowserMode();

/** A small run that trains in seconds on the CPU. */
const tiny = () => ({
  name: 'tiny-run',
  data: { train: { type: 'synthetic', name: 'spirals', samples: 300, classes: 3 } },
  model: { layers: [{ type: 'dense', units: 16, activation: 'tanh' }, { type: 'dense', units: 3, activation: 'softmax' }] },
  training: { epochs: 2, batchSize: 32 },
  overfit: { maxSteps: 60 },
});

async function open(): Promise<{ page: Page; errors: string[] }> {
  const page = await env.browser().newPage({ viewport: { width: 1440, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(env.server().url);
  await page.waitForFunction(() => (window as any).__trainscope?.presets.length > 0 && (window as any).__trainscope.ready);
  return { page, errors };
}
const editor = (page: Page) => page.getByTestId('spec-editor');
const fill = (page: Page, spec: unknown) => editor(page).fill(JSON.stringify(spec, null, 2));
/** The 1-based line of the first occurrence of `needle` in the editor's text. */
const lineOf = async (page: Page, needle: string) => { const t = await editor(page).inputValue(); return t.slice(0, t.indexOf(needle)).split('\n').length; };

describe.skipIf(NO_BROWSER)('New run workflow', () => {
  it('keeps every edit across a tab switch and a reload', async () => {
    const { page, errors } = await open();
    await page.getByTestId('tab-new').click();
    const spec = tiny();
    spec.model.layers[0].units = 0; // a broken spec is worth keeping too
    await fill(page, spec);
    await page.getByTestId('tab-library').click();
    await page.getByTestId('tab-overview').click();
    await page.getByTestId('tab-new').click();
    expect(JSON.parse(await editor(page).inputValue())).toEqual(spec);
    // the draft is in IndexedDB a moment after the last keystroke
    await page.waitForTimeout(600);
    await page.reload();
    await page.waitForFunction(() => (window as any).__trainscope?.ready);
    expect(await page.evaluate(() => location.hash)).toBe('#tab=new');
    expect(JSON.parse(await editor(page).inputValue())).toEqual(spec);
    expect(await page.getByTestId('field-issue').first().textContent()).toBe('Layer 1 (dense): units must be a whole number above 0');
    // the chooser says the preset was edited, and gives the preset back on request
    await page.getByTestId('draft-edited').getByRole('button', { name: 'revert' }).click();
    const demo = await page.evaluate(() => (window as any).__trainscope.presets.find((p: any) => p.demo).spec);
    expect(JSON.parse(await editor(page).inputValue())).toEqual(demo);
    expect(await page.getByTestId('draft-edited').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a field\'s issue at the field, layers counted from 1, and marks its JSON line', async () => {
    const { page, errors } = await open();
    const spec = tiny();
    spec.model.layers[1].units = 0;
    await fill(page, spec);
    const field = page.locator('[data-field-path="model.layers[1].units"]');
    expect(await field.getAttribute('class')).toContain('invalid');
    expect(await field.getByTestId('field-issue').textContent()).toBe('Layer 2 (dense): units must be a whole number above 0');
    // the form's own label for the layer counts from 1 too
    expect(await page.locator('[data-field-path="model.layers[1]"] legend').first().textContent()).toMatch(/^2: dense/);
    const marked = await page.getByTestId('editor-marked-line').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.line)));
    expect(marked).toEqual([await lineOf(page, '"units": 0')]);
    expect(await page.getByTestId('start-run').isDisabled()).toBe(true);
    // fixed in the form: the mark goes, Start is enabled
    await field.locator('input').fill('3');
    await field.locator('input').dispatchEvent('change');
    await expect.poll(() => page.getByTestId('field-issue').count()).toBe(0);
    expect(await page.getByTestId('editor-marked-line').count()).toBe(0);
    expect(await page.getByTestId('start-run').isEnabled()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('flags an output layer that does not fit the data while editing, before Start; a loss that does not fit the activation is a warning', async () => {
    const { page, errors } = await open();
    const demo = await page.evaluate(() => JSON.parse(JSON.stringify((window as any).__trainscope.presets.find((p: any) => p.demo).spec)));
    const last = demo.model.layers.length - 1;
    demo.model.layers[last].units = 5; // 10 MNIST classes
    await fill(page, demo);
    const units = page.locator(`[data-field-path="model.layers[${last}].units"]`);
    expect(await units.getByTestId('field-issue').textContent()).toBe(`Layer ${last + 1} (dense): units: the output has 5 units but the data has 10 classes`);
    expect(await page.getByTestId('start-run').isDisabled()).toBe(true);
    expect(await page.evaluate(() => (window as any).__trainscope.engine.state)).toBe('idle');
    // binary cross-entropy on a softmax: a warning at the activation, and the run may start (the diagnosis shows it)
    const moons = { ...tiny(), data: { train: { type: 'synthetic', name: 'moons', samples: 200 } }, model: { layers: [{ type: 'dense', units: 8, activation: 'relu' }, { type: 'dense', units: 1, activation: 'softmax' }] }, training: { loss: 'binary_crossentropy' } };
    await fill(page, moons);
    const act = page.locator('[data-field-path="model.layers[1].activation"]');
    expect(await act.getAttribute('class')).toContain('warning');
    expect(await act.getByTestId('field-issue').textContent()).toMatch(/^Layer 2 \(dense\): activation: the output activation is softmax, but binary_crossentropy expects a sigmoid/);
    expect(await page.getByTestId('start-run').isEnabled()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Start shows what the engine is doing at once; a reload returns to the run and tab on screen; back and forward walk the views; a run\'s spec opens in New run', async () => {
    const { page, errors } = await open();
    await fill(page, tiny());
    // the starting state may last only a moment on this small run: an observer records that it was shown
    await page.evaluate(() => {
      const w = window as any;
      w.__startSteps = [];
      new MutationObserver(() => {
        const now = document.querySelector('[data-testid=start-progress] [data-testid=start-step]')?.textContent;
        if (now && !w.__startSteps.includes(now)) w.__startSteps.push(now);
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    await page.getByTestId('start-run').click();
    expect(await page.getByTestId('start-run').isDisabled()).toBe(true); // no second Start meanwhile
    // the steps come from the engine as it begins each ('preparing'), not from a timer in the page
    await expect.poll(() => page.evaluate(() => (window as any).__startSteps.join(' | ')), { timeout: 5_000 }).toMatch(/choosing the backend/);
    await expect.poll(() => page.evaluate(() => (window as any).__startSteps.join(' | ')), { timeout: 30_000 }).toMatch(/loading the data|building the model/);
    await expect.poll(async () => page.getByTestId('run-status').textContent(), { timeout: 90_000 }).toBe('completed');
    expect(await page.getByTestId('start-progress').count()).toBe(0);
    const runId = await page.evaluate(() => (window as any).__trainscope.current.runId as string);
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#run=${encodeURIComponent(runId)}&tab=overview`);
    await page.getByTestId('tab-layers').click();
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#run=${encodeURIComponent(runId)}&tab=layers`);
    await page.reload();
    await page.waitForFunction(() => (window as any).__trainscope?.ready);
    expect(await page.evaluate(() => [(window as any).__trainscope.current?.runId, (window as any).__trainscope.tab])).toEqual([runId, 'layers']);
    expect(await page.getByTestId('tab-layers').getAttribute('class')).toContain('active');
    await page.goBack();
    await expect.poll(() => page.evaluate(() => (window as any).__trainscope.tab)).toBe('overview');
    await page.goForward();
    await expect.poll(() => page.evaluate(() => (window as any).__trainscope.tab)).toBe('layers');
    await page.goBack();
    await expect.poll(() => page.evaluate(() => (window as any).__trainscope.tab)).toBe('overview');
    // Edit spec → New run: the run's spec, as it ran, in the editor
    await page.getByTestId('edit-spec').click();
    expect(await page.evaluate(() => (window as any).__trainscope.tab)).toBe('new');
    const edited = JSON.parse(await editor(page).inputValue());
    expect(edited.name).toBe('tiny-run');
    expect(edited.model.layers).toHaveLength(2);
    expect(await page.getByTestId('start-run').isEnabled()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('tool results appear in the right-hand panel beside the form, each with a verdict line on top', async () => {
    const { page, errors } = await open();
    await fill(page, tiny());
    await page.getByTestId('init-explorer').click();
    const panel = page.getByTestId('tool-panel');
    await expect.poll(() => panel.getByTestId('init-explorer-result').count(), { timeout: 90_000 }).toBe(1);
    const form = (await page.getByTestId('spec-form').boundingBox())!;
    const side = (await panel.boundingBox())!;
    expect(side.x).toBeGreaterThanOrEqual(form.x + form.width); // beside the form, not under it
    expect(side.y).toBeLessThan(form.y + 200);
    const verdict = panel.locator('[data-tool=init-explorer]').getByTestId('tool-verdict');
    expect(await verdict.textContent()).toMatch(/^Init explorer: Use (glorot_normal|he_normal|lecun_normal|random_normal\(0,1\)): the activation std stays within [\d.]+x across the layers/);
    expect(await panel.getByTestId('init-recommended').count()).toBe(1);
    // the overfit check's verdict, and its numbers with spaces where they belong
    await page.getByTestId('overfit').click();
    await expect.poll(() => panel.getByTestId('overfit-result').count(), { timeout: 90_000 }).toBe(1);
    expect(await panel.locator('[data-tool=overfit]').getByTestId('tool-verdict').textContent()).toMatch(/^Overfit check: (PASS|FAIL): /);
    const losses = (await panel.getByTestId('overfit-losses').textContent())!;
    expect(losses).toMatch(/^initial loss \d+\.\d{4} \(expected \d+\.\d{4}(: mismatch)?\) · final loss \d+\.\d{4}/);
    // the results stay there when the JSON is looked at and the panel opened again
    await page.getByTestId('side-json').click();
    expect(await editor(page).isVisible()).toBe(true);
    await page.getByTestId('side-tools').click();
    expect(await panel.getByTestId('tool-verdict').count()).toBe(2);
    expect(errors).toEqual([]);
    await page.close();
  });
});
