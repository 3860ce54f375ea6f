// `npm run screenshots [-- --quick] [-- --epochs N] [-- --limit N] [-- --out DIR]`: a picture of
// every view of the app as people use it. Starts the browser mode on a fresh runs folder, trains the
// Fashion-MNIST CNN (assets/specs/fashion-mnist-cnn.json; the dataset is found where the engine
// looks for it: TRAINSCOPE_DATA, ~/.trainscope/data, /usr/share/datasets) in Debian's Chromium, and
// saves a 1440x900 PNG of each tab, the unit map, a misclassified sample and New run, then of the
// runs list with a second short run of the same name, into screenshots/ (not committed). --quick
// trains on 10,000 samples for 2 epochs: about a minute on two cores; without it the spec trains
// as written (minutes per epoch on a CPU).
import { register } from 'tsx/esm/api';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    epochs: { type: 'string' },
    limit: { type: 'string' },
    out: { type: 'string', default: join(root, 'screenshots') },
    spec: { type: 'string', default: join(root, 'assets/specs/fashion-mnist-cnn.json') },
  },
});
const positive = (name, v) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) { console.error(`--${name}: a positive whole number, not ${v}`); process.exit(2); }
  return n;
};

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) { console.error(`${CHROMIUM} not found: apt-get install chromium, or set CHROMIUM_PATH`); process.exit(1); }

const spec = JSON.parse(readFileSync(args.spec, 'utf8'));
if (args.quick) { spec.data.limit = 10_000; spec.training.epochs = 2; }
if (args.limit) spec.data.limit = positive('limit', args.limit);
if (args.epochs) spec.training.epochs = positive('epochs', args.epochs);

register(); // the server and the engine are TypeScript, run as the CLI runs them
const { serve } = await import('../main/server/serve.ts');
const { ensureRendererBuilt } = await import('../main/server/build-renderer.ts');
const { chromium } = await import('playwright-core');

const out = resolve(args.out);
mkdirSync(out, { recursive: true });
const runsDir = mkdtempSync(join(tmpdir(), 'trainscope-screenshots-'));
const server = await serve({ runsDir, baseDir: root, staticDir: await ensureRendererBuilt() });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
});
const started = Date.now();
const say = (m) => console.log(`${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s  ${m}`);

try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => say(`page error: ${e.message}`));
  let n = 0;
  const shot = async (name) => {
    await page.waitForTimeout(700); // charts draw on the next frames
    const file = join(out, `${String(++n).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file });
    say(file);
  };
  const text = async (id) => ((await page.getByTestId(id).textContent().catch(() => '')) ?? '').trim();
  const failure = async () => ((await page.getByRole('alert').textContent().catch(() => null)) ?? '').trim();

  await page.goto(server.url);
  await page.getByTestId('spec-editor').waitFor();
  await shot('new-run-demo');
  await page.getByTestId('spec-editor').fill(JSON.stringify(spec, null, 2));
  await shot('new-run-spec');
  await page.getByTestId('start-run').click();
  say(`training ${spec.name}: ${spec.data.limit ?? 'all'} samples, ${spec.training.epochs} epoch(s)`);

  // the Overview while it trains: wait for a samples/s figure
  for (;;) {
    const alert = await failure();
    if (alert) throw new Error(`the run did not start: ${alert}`);
    if (/^\d+$/.test(await text('samples-per-sec'))) break;
    await page.waitForTimeout(500);
  }
  await shot('overview-live');
  let last = '';
  for (;;) {
    const status = await text('run-status');
    if (status && status !== 'running' && status !== 'paused') { say(`run ${status}`); break; }
    const step = await text('run-step');
    if (step !== last && Number(step.split('/')[0]) % 100 < 5) say(`step ${step}`);
    last = step;
    await page.waitForTimeout(1000);
  }
  await page.getByTestId('engine-state').filter({ hasText: 'idle' }).waitFor({ timeout: 60_000 });

  // every tab, in the app's order
  const tabs = await page.locator('nav [data-testid^=tab-]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-testid').slice(4)));
  for (const id of tabs) {
    await page.getByTestId(`tab-${id}`).click();
    await shot(id);
    if (id === 'saturation' && (await page.locator('[data-testid=heatmap-layers] .rowlabel').count())) {
      // the last row: a dense layer in most models, the one with the most units to see
      await page.locator('[data-testid=heatmap-layers] .rowlabel').last().click();
      await page.getByTestId('heatmap-units').waitFor({ timeout: 10_000 }).catch(() => {});
      await shot('saturation-unit-map');
    }
    if (id === 'predictions' && (await page.locator('[data-testid=sample-grid] [role=option]').count()) > 1) {
      await page.locator('[data-testid=sample-grid] [role=option]').nth(1).click(); // (the first is shown already)
      await shot('predictions-sample');
    }
  }
  // the runs list with a second run of the same name: its time and what changed against the first
  const again = { ...spec, data: { ...spec.data, limit: 2000 }, training: { ...spec.training, epochs: 1, optimizer: { ...spec.training.optimizer, learningRate: spec.training.optimizer.learningRate * 3 } } };
  await page.getByTestId('tab-new').click();
  await page.getByTestId('spec-editor').fill(JSON.stringify(again, null, 2));
  await page.getByTestId('start-run').click();
  say('a second, short run of the same name (learning rate x3) for the runs list');
  await page.getByTestId('engine-state').filter({ hasText: 'training' }).waitFor({ timeout: 60_000 });
  await page.getByTestId('engine-state').filter({ hasText: 'idle' }).waitFor({ timeout: 300_000 });
  await page.getByTestId('tab-library').click();
  await shot('library-two-runs');
  say(`${n} screenshots in ${out}`);
} finally {
  await browser.close();
  await server.close();
  rmSync(runsDir, { recursive: true, force: true });
}
