// A Keras model brought into the app, end to end in Chromium against the real server and engine:
// New run's "Import a model" with a committed .keras fixture, its layers in the draft, a run that
// trains from its weights with the instruments and the diagnosis of any run, then the run's model
// exported as a .keras download that reads back as the same layers.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBrowserMode, NO_BROWSER } from './chromium.ts';
import { readModel } from '../../main/engine/model-io/read-model.ts';

const env = useBrowserMode();
const FIXTURE = join(__dirname, '../fixtures/models/mlp.keras');

describe.skipIf(NO_BROWSER)('a Keras model in the app', () => {
  it('imports a .keras file from New run, trains it, and exports the trained model', async () => {
    const page = await env.browser().newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(env.server().url);
    await page.getByTestId('tab-new').click();
    await page.getByTestId('import-model-input').setInputFiles(FIXTURE);
    await expect.poll(async () => page.getByTestId('import-summary').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.getByTestId('import-summary').textContent()).toMatch(/^mlp\.keras: keras \(keras [\d.]+\), 4 layers, input \[784\], 25,578 weights$/);
    await page.screenshot({ path: '/tmp/import-model-newrun.png', fullPage: true });

    // the draft now holds the file's layers, and model.import naming where the engine keeps it
    const draft = JSON.parse(await page.getByTestId('spec-editor').inputValue());
    expect(draft.model.layers.map((l: { name: string }) => l.name)).toEqual(['dense', 'batch_normalization', 'dropout', 'dense_1']);
    expect(draft.model.import).toMatch(/imported-models\/mlp-[0-9a-f]{10}\/mlp\.keras$/);
    draft.name = 'imported-mlp';
    draft.training = { ...draft.training, epochs: 2 };
    draft.data = { ...draft.data, limit: 2000 };
    await page.getByTestId('spec-editor').fill(JSON.stringify(draft, null, 2));
    await page.getByTestId('start-run').click();
    await expect.poll(async () => page.getByTestId('run-status').textContent(), { timeout: 120_000 }).toBe('completed');

    // it trained from the file's weights (the digits come as 28x28: a flatten goes in front), with every instrument of a spec-built run
    const notes = await page.locator('.note.warn').allTextContents();
    expect(notes.some((n) => /^weights from .*mlp\.keras: dense, batch_normalization, dense_1$/.test(n)), notes.join('\n')).toBe(true);
    expect(notes.some((n) => n.includes('a flatten layer (flatten_input)')), notes.join('\n')).toBe(true);
    const run = await page.evaluate(() => {
      const c = (window as any).__trainscope.current;
      return { layers: c.start.model.layers.map((l: any) => l.name), collections: c.collectionSteps.length, diagnosis: Boolean(c.diagnosis), predictions: c.predictions.validation.size };
    });
    expect(run.layers).toEqual(['flatten_input', 'dense', 'batch_normalization', 'dropout', 'dense_1']);
    expect(run.collections).toBeGreaterThan(0);
    expect(run.diagnosis).toBe(true);
    expect(run.predictions).toBeGreaterThan(0);
    await page.getByTestId('tab-saturation').click();
    await expect.poll(async () => Number(await page.getByTestId('heatmap-layers').locator('canvas').getAttribute('data-rows'))).toBe(1);

    // out again: Overview's export, as a .keras download with the run's layers
    await page.getByTestId('tab-overview').click();
    await page.getByTestId('export-format').selectOption('keras');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('export-model-button').click()]);
    expect(download.suggestedFilename()).toMatch(/^imported-mlp-.*\.keras$/);
    const saved = (await download.path())!;
    expect(readFileSync(saved).subarray(0, 2).toString()).toBe('PK');
    const back = await readModel(saved);
    expect(back.layers.map((l) => l.name)).toEqual(['flatten_input', 'dense', 'batch_normalization', 'dropout', 'dense_1']);
    await page.screenshot({ path: '/tmp/import-model-overview.png', fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it('a file that is not a model: one line in New run, the draft untouched', async () => {
    const page = await env.browser().newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(env.server().url);
    await page.getByTestId('tab-new').click();
    const before = await page.getByTestId('spec-editor').inputValue();
    await page.getByTestId('import-model-input').setInputFiles({ name: 'notes.h5', mimeType: 'application/octet-stream', buffer: Buffer.from('not a model at all') });
    await expect.poll(async () => page.getByTestId('import-status').textContent(), { timeout: 30_000 }).toMatch(/^notes\.h5: is not a model file Trainscope reads/);
    expect(await page.getByTestId('spec-editor').inputValue()).toBe(before);
    await page.close();
  }, 60_000);
});
