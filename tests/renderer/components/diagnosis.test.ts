// The diagnosis on Overview, rendered in jsdom from a hand-written diagnosis in the engine's shapes
// (tests/renderer/diagnosis-fixture.ts): the cause card (cause, confidence, chain, evidence, the fix
// to try, the symptoms it explains folded under it), the findings it does not explain, the states
// without a cause, a grouped finding's per-layer table with sparklines, the fix trial's verdict and
// "Use this spec", and the library's link from a variant to its original.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render } from '@testing-library/svelte';
import { tick } from 'svelte';
import CauseCard from '../../../renderer/src/diagnosis/CauseCard.svelte';
import Findings from '../../../renderer/src/diagnosis/Findings.svelte';
import Trial from '../../../renderer/src/diagnosis/Trial.svelte';
import Library from '../../../renderer/src/views/Library.svelte';
import { RunData } from '../../../renderer/src/lib/run-data.ts';
import { AppState } from '../../../renderer/src/app-state.svelte.ts';
import { RunLibrary } from '../../../renderer/src/store/library.ts';
import { TrainscopeDB, type RunRecord } from '../../../renderer/src/store/db.ts';
import type { RunEvent } from '../../../shared/events.ts';
import type { Diagnosis } from '../../../shared/diagnosis/diagnosis.ts';
import type { Finding } from '../../../shared/diagnosis/finding.ts';
import type { Host } from '../../../shared/host.ts';
import { DIAGNOSIS, FINDINGS } from '../diagnosis-fixture.ts';

globalThis.ResizeObserver ??= class { observe() {} unobserve() {} disconnect() {} } as unknown as typeof ResizeObserver;
afterEach(() => cleanup());

const layer = (l: object) => ({ type: 'dense', units: 16, activation: 'relu', kernelInitializer: 'he_normal', biasInitializer: 'zeros', useBias: true, trainable: true, alpha: 0.3, ...l });
const specOf = (name: string, epochs: number, lr: number) => ({
  name, instruments: { histogramBins: 8 }, model: { layers: [layer({}), layer({}), layer({}), layer({ units: 10, activation: 'softmax' })] },
  training: { epochs, batchSize: 32, optimizer: { type: 'sgd', learningRate: lr } },
});

function runOf(id: string, opts: { findings?: Finding[]; diagnosis?: Diagnosis | null; ended?: boolean; spec?: object } = {}): RunData {
  const events = [
    { v: 2, t: 0, type: 'run-start', runId: id, spec: opts.spec ?? specOf('relu-sgd', 30, 5), backend: { name: 'cpu' }, model: { layers: [], totalParams: 0, trainableParams: 0 }, stepsPerEpoch: 10, totalSteps: 300 },
    ...[0, 1, 2].map((step) => ({ v: 2, t: step, type: 'step', step, epoch: 0, loss: 2.3 - step * 0.1, lr: 5 })),
    ...(opts.findings ?? []).map((finding) => ({ v: 2, t: 3, type: 'finding', finding })),
    ...(opts.diagnosis ? [{ v: 2, t: 3, type: 'diagnosis', step: opts.diagnosis.vitals?.step ?? 0, diagnosis: opts.diagnosis }] : []),
    ...(opts.ended ? [{ v: 2, t: 4, type: 'run-end', status: 'completed', step: 2 }] : []),
  ] as unknown as RunEvent[];
  const run = new RunData(id);
  run.ingest(events);
  return run;
}

function appOf(current: RunData | null, over: Record<string, unknown> = {}) {
  return { current, tick: 1, live: false, engine: { state: 'idle' }, error: null, tab: 'overview', tryFix: vi.fn(), applyVariant: vi.fn(), open: vi.fn(), runs: [], library: {}, trial: null, compare: [], compareRuns: vi.fn(), ...over };
}

const broken = () => runOf('r1', { findings: FINDINGS, diagnosis: DIAGNOSIS, ended: true });

describe('the cause card', () => {
  it('names the cause with its confidence in words, the chain in order with steps, the evidence, why, and the fix to try first', () => {
    const { getByTestId } = render(CauseCard, { app: appOf(broken()) as never });
    const card = getByTestId('cause-card');
    expect(card.dataset.kind).toBe('lr_too_high');
    expect(getByTestId('cause-title').textContent).toBe('The learning rate is too high (5 with SGD)');
    expect(getByTestId('cause-confidence').textContent!.trim()).toBe('likely (82%)');
    const links = [...getByTestId('cause-chain').querySelectorAll('.link')].map((l) => l.textContent!.replace(/\s+/g, ' ').trim());
    expect(links).toHaveLength(5);
    expect(links[1]).toBe('learning rate too high large updates in the first steps (update ratio 46 at step 3) step 3');
    expect(links[2]).toMatch(/^dead units 66% of dense_2's units died step 20 · dense_2, dense_3$/);
    expect(links[4]).toMatch(/loss flat at ln 10 = 2.30 step 110/);
    const evidence = [...card.querySelectorAll('.cause-evidence li')].map((l) => l.textContent);
    expect(evidence[0]).toBe(FINDINGS[0].evidence[0]); // the cause's own finding first, its triggering number
    expect(evidence).toContain(FINDINGS[1].evidence[0]);
    expect(card.querySelector('.cause-why')!.textContent).toMatch(/not the initialisation, killed them/);
    expect(getByTestId('cause-fix').textContent).toMatch(/Try first\s*a 10x lower learning rate \(0.5\)\s*try it/);
    expect(card.querySelector('.cause-alts')!.textContent).toBe('Also considered: dead at initialisation (10%), initialisation scale (6%)');
  });

  it('"try it" runs the fix on the cause\'s layers, judged against the finding of the cause\'s own kind', async () => {
    const app = appOf(broken());
    const { getByTestId } = render(CauseCard, { app: app as never });
    await fireEvent.click(getByTestId('cause-fix').querySelector('[data-testid=try-lower_lr]')!);
    expect(app.tryFix).toHaveBeenCalledWith(expect.objectContaining({ id: 'lr_too_high' }), 'lower_lr', { layers: ['dense_1', 'dense_2', 'dense_3'] });
    // the next remedy too, while the engine is idle; nothing while it runs
    expect(getByTestId('try-clip_norm')).toBeTruthy();
    cleanup();
    const busy = render(CauseCard, { app: appOf(broken(), { engine: { state: 'running' } }) as never });
    expect((busy.getByTestId('try-lower_lr') as HTMLButtonElement).disabled).toBe(true);
  });

  it('folds the symptoms it explains under it, in the chain\'s order, without advice of their own', async () => {
    const { getByTestId, queryByTestId, container } = render(CauseCard, { app: appOf(broken()) as never });
    expect(queryByTestId('cause-symptoms')).toBeNull();
    expect(container.querySelectorAll('[data-testid=finding]')).toHaveLength(0);
    expect(getByTestId('cause-symptoms-toggle').textContent!.replace(/\s+/g, ' ')).toMatch(/The 4 symptoms it explains: learning rate too high, dead units, vanishing gradients, plateau/);
    await fireEvent.click(getByTestId('cause-symptoms-toggle'));
    const rows = [...getByTestId('cause-symptoms').querySelectorAll('[data-testid=finding]')] as HTMLElement[];
    expect(rows.map((r) => r.dataset.kind)).toEqual(['lr_too_high', 'dead_units', 'vanishing_gradients', 'plateau']);
    await fireEvent.click(rows[1].querySelector('.finding-row')!);
    expect(rows[1].querySelector('.explained')!.textContent).toMatch(/Explained by the cause above \(learning rate too high\)/);
    expect(rows[1].querySelectorAll('.try')).toHaveLength(0);
  });

  it('without a cause: watching while the run trains, no problems found after a clean run, the findings on their own otherwise', () => {
    expect(render(CauseCard, { app: appOf(runOf('a')) as never }).getByTestId('cause-watching').textContent).toMatch(/watching\.\.\./);
    cleanup();
    const healthy = { cause: null, groups: [], vitals: null };
    expect(render(CauseCard, { app: appOf(runOf('b', { diagnosis: healthy, ended: true })) as never }).getByTestId('cause-healthy').textContent).toMatch(/no problems found/);
    cleanup();
    // an info finding alone is not a problem
    expect(render(CauseCard, { app: appOf(runOf('c', { findings: [FINDINGS[3]], ended: true })) as never }).queryByTestId('cause-healthy')).toBeTruthy();
    cleanup();
    expect(render(CauseCard, { app: appOf(runOf('d', { findings: [FINDINGS[4]], ended: true })) as never }).getByTestId('cause-none')).toBeTruthy();
  });
});

describe('the findings the cause does not explain', () => {
  it('are listed below, one row per kind', () => {
    const { getByTestId } = render(Findings, { app: appOf(broken()) as never });
    const list = getByTestId('findings');
    expect(list.querySelector('.findings-head')!.textContent).toMatch(/Other findings\s*1 not explained by the cause/);
    expect([...list.querySelectorAll('[data-testid=finding]')].map((r) => (r as HTMLElement).dataset.kind)).toEqual(['init_loss_mismatch']);
  });

  it('with no cause every finding is listed, errors first; with none the list is not shown', () => {
    const { getByTestId } = render(Findings, { app: appOf(runOf('x', { findings: FINDINGS })) as never });
    expect([...getByTestId('findings').querySelectorAll('[data-testid=finding]')].map((r) => (r as HTMLElement).dataset.kind))
      .toEqual(['lr_too_high', 'init_loss_mismatch', 'dead_units', 'vanishing_gradients', 'plateau']);
    cleanup();
    expect(render(Findings, { app: appOf(runOf('y')) as never }).queryByTestId('findings')).toBeNull();
  });

  it('a grouped finding opens to its evidence (the triggering number first) and a per-layer table with sparklines against the threshold', async () => {
    const { getByTestId } = render(Findings, { app: appOf(runOf('x', { findings: [FINDINGS[1]] })) as never });
    const row = getByTestId('finding');
    expect(row.querySelector('.fwhere')!.textContent).toBe('step 20, epoch 1 · 2 layers: dense_2, dense_3');
    await fireEvent.click(row.querySelector('.finding-row')!);
    expect(row.querySelector('li')!.textContent).toBe(FINDINGS[1].evidence[0]);
    const table = getByTestId('per-layer');
    expect(table.querySelector('thead')!.textContent).toMatch(/dead fraction.*threshold 40%, dashed/);
    const cells = [...table.querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('td')].slice(0, 3).map((c) => c.textContent));
    expect(cells).toEqual([['dense_2', '66%', 'step 20'], ['dense_3', '48%', 'step 25']]);
    const spark = table.querySelector('[data-testid=sparkline]')!;
    expect(spark.querySelector('path')!.getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+){23}$/);
    // 40% on an axis from 0 to 1.15 x the largest value (66%), 28 px high with 2 px padding
    expect(Number(spark.querySelector('line.thr')!.getAttribute('y1'))).toBeCloseTo(26 - (0.4 / (0.66 * 1.15)) * 24, 1);
    expect(getByTestId('try-lower_lr')).toBeTruthy(); // on its own, a finding gives its own advice
  });

  it('a long evidence list shows its first lines, the rest on request', async () => {
    const many = { ...FINDINGS[1], evidence: ['a', 'b', 'c', 'd', 'e'] };
    const { getByTestId } = render(Findings, { app: appOf(runOf('x', { findings: [many] })) as never });
    const row = getByTestId('finding');
    await fireEvent.click(row.querySelector('.finding-row')!);
    const items = () => [...row.querySelectorAll('.evidence li')].map((l) => l.textContent!.trim());
    expect(items()).toEqual(['a', 'b', 'c', 'and 2 more']);
    await fireEvent.click(row.querySelector('.evidence .more button')!);
    expect(items()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('the fix trial', () => {
  const deadFinding = FINDINGS[1];
  const variantDiagnosis = (dead2: number, dead3: number, cause: Diagnosis['cause'] = null, step = 18): Diagnosis => ({
    cause, groups: [], vitals: { step, layers: { dense_2: { dead_fraction: dead2 }, dense_3: { dead_fraction: dead3 } }, model: {} },
  });
  function trialApp(variant: RunData) {
    const base = broken();
    return appOf(variant, { trial: { base, finding: deadFinding, fix: 'lower_lr', runId: variant.runId } });
  }

  it('compares the finding\'s metric on the same layers; a variant that worked can be adopted in one click', async () => {
    const variant = runOf('v1', { diagnosis: variantDiagnosis(0.02, 0.01), ended: true, spec: specOf('relu-sgd-lower-lr', 2, 0.5) });
    const app = trialApp(variant);
    const { getByTestId } = render(Trial, { app: app as never });
    expect(getByTestId('trial-verdict').textContent).toBe('the symptom went away');
    const rows = [...getByTestId('trial-table').querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent!.trim()));
    // the original at step 15 (the latest collection at or before the variant's step 18)
    expect(rows.map((r) => [r[0], r[2], r[3]])).toEqual([['dense_2', '2.0%', 'fixed'], ['dense_3', '1.0%', 'fixed']]);
    expect(getByTestId('trial').textContent).toMatch(/The original cause \(learning rate too high\) is no longer named/);
    await fireEvent.click(getByTestId('apply-variant'));
    expect(app.applyVariant).toHaveBeenCalled();
  });

  it('a variant still training says "so far" and cannot be adopted yet; one that did not help cannot be adopted', () => {
    const live = render(Trial, { app: trialApp(runOf('v2', { diagnosis: variantDiagnosis(0.02, 0.01) })) as never });
    expect(live.getByTestId('trial-verdict').textContent).toBe('so far: the symptom went away');
    expect(live.queryByTestId('apply-variant')).toBeNull();
    cleanup();
    const still = render(Trial, { app: trialApp(runOf('v3', { diagnosis: variantDiagnosis(0.62, 0.48, DIAGNOSIS.cause, 115), ended: true })) as never });
    expect(still.getByTestId('trial-verdict').textContent).toBe('the symptom is still there');
    expect(still.queryByTestId('apply-variant')).toBeNull();
  });
});

describe('adopting a variant', () => {
  const host = (sent: unknown[]): Host => ({ subscribe() {}, connect: async () => ({}), send: (m: unknown) => { sent.push(m); } }) as unknown as Host;

  it('"Use this spec" puts the variant\'s spec, with the original\'s epochs, in New run; the run started from it is recorded as a variant', async () => {
    const sent: unknown[] = [];
    const library = new RunLibrary(new TrainscopeDB(`adopt-${Math.random()}`));
    const app = new AppState(host(sent), library);
    const base = broken();
    app.current = base;
    app.tryFix(FINDINGS[0], 'lower_lr');
    const variantSpec = (sent[0] as { spec: { training: { epochs: number; optimizer: { learningRate: number } }; name: string } }).spec;
    expect([variantSpec.training.epochs, variantSpec.training.optimizer.learningRate, variantSpec.name]).toEqual([2, 0.5, 'relu-sgd-lower-lr']);
    const onMessage = (m: unknown) => (app as unknown as { onMessage(m: unknown): void }).onMessage(m);
    const setVariantOf = vi.spyOn(library, 'setVariantOf');
    onMessage({ type: 'started', runId: 'v1' });
    expect(app.trial!.runId).toBe('v1');
    expect(setVariantOf).toHaveBeenLastCalledWith('v1', { runId: 'r1', fix: 'lower_lr' });
    app.current = runOf('v1', { spec: variantSpec, ended: true });
    app.applyVariant();
    expect(app.tab).toBe('new');
    const adopted = JSON.parse(app.pendingSpec!);
    expect([adopted.training.epochs, adopted.training.optimizer.learningRate, adopted.name]).toEqual([30, 0.5, 'relu-sgd-lower-lr']);
    onMessage({ type: 'started', runId: 'full' });
    expect(setVariantOf).toHaveBeenLastCalledWith('full', { runId: 'r1', fix: 'lower_lr' });
    expect(app.adopted).toBeNull();
    await library.flush();
  });
});

describe('the run library', () => {
  it('shows a variant as "variant of <original> (<fix>)", opening the original', async () => {
    const rec = (id: string, title: string, over: Partial<RunRecord> = {}): RunRecord => ({
      id, name: title, title, createdAt: 0, status: 'completed', backend: 'cpu', end: null, best: {}, steps: 10,
      start: { model: { layers: [], trainableParams: 0 } } as never, ...over,
    });
    // (creation times newest first, the list's default order)
    const app = appOf(null, { runs: [rec('v', 'relu-sgd-lower-lr', { createdAt: 3, variantOf: { runId: 'o', fix: 'lower_lr' } }), rec('o', 'relu-sgd', { createdAt: 2 }), rec('w', 'w', { createdAt: 1, variantOf: { runId: 'gone', fix: 'he_init' } })] });
    const { getAllByTestId } = render(Library, { app: app as never });
    const links = getAllByTestId('variant-of').map((l) => l.textContent!.replace(/\s+/g, ' ').trim());
    expect(links).toEqual(['variant of relu-sgd (learning rate / 10)', 'variant of a deleted run (He initialisation)']);
    await fireEvent.click(getAllByTestId('variant-original')[0]);
    await tick();
    expect(app.open).toHaveBeenCalledWith('o');
  });
});
