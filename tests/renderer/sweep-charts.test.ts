// The Sweeps view's charts as geometry: the axes of the parallel coordinates (log for a log range,
// ordinal for values and labels, the metric with its better end up), brushing as a filter, the
// colours, the table's order and best row, and the successive-halving bracket.
import { describe, expect, it } from 'vitest';
import type { SweepTrialView, SweepView } from '../../shared/sweep/view.ts';
import { brushedTrials, formatParam, insideBrushes, metricAxis, metricColors, NO_METRIC_COLOR, paramAxis, paramTitle, METRIC_KEY } from '../../renderer/src/views/sweeps/sweep-axes.ts';
import { fitLabel, parcoordsLayout } from '../../renderer/src/views/sweeps/parcoords-layout.ts';
import { bracketLayout } from '../../renderer/src/views/sweeps/bracket-layout.ts';
import { bestFirst, bestTrial, sortTrials } from '../../renderer/src/views/sweeps/trial-rows.ts';
import { AshaScheduler } from '../../shared/sweep/asha.ts';

const trial = (id: string, params: Record<string, unknown>, metric: number | null, status: SweepTrialView['status'] = 'completed'): SweepTrialView => ({ trial: id, params, metric, status, epochs: 2, rung: null, runId: `run-${id}` });

const view = (trials: SweepTrialView[], o: Partial<SweepView> = {}): SweepView => ({
  id: 's', name: 's', method: 'random', metric: 'val_loss', goal: 'minimize', asha: null, status: 'finished', rungs: null, best: null, startedAt: 0,
  parameters: { 'training.optimizer.learningRate': { log_uniform: [1e-4, 0.1] }, 'model.layers[1].units': { values: [32, 64, 128] }, 'model.layers': { values: [[1], [2]], labels: ['without batch norm', 'with batch norm'] } },
  trials, ...o,
});

describe('axes', () => {
  it('a log range: a log axis over whole decades, every decade labelled', () => {
    const a = paramAxis('training.optimizer.learningRate', { log_uniform: [1e-4, 0.1] }, 300);
    expect(a.kind).toBe('log');
    expect(a.domain).toEqual([1e-4, 0.1]);
    expect(a.offset(1e-4)).toBeCloseTo(0);
    expect(a.offset(1e-2)).toBeCloseTo(200);
    expect(a.offset(0.1)).toBeCloseTo(300);
    expect(a.offset(-1)).toBeNull();
    expect(a.ticks.map((t) => t.label)).toEqual(expect.arrayContaining(['1e-4', '0.001', '0.01', '0.1']));
  });

  it('a list of values: ordinal, evenly spaced in their order, labels when the parameter has them', () => {
    const a = paramAxis('model.layers[1].units', { values: [32, 64, 128] }, 300);
    expect(a.kind).toBe('ordinal');
    expect([32, 64, 128].map((v) => a.offset(v))).toEqual([50, 150, 250]);
    expect(a.offset(256)).toBeNull();
    expect(a.ticks.map((t) => t.label)).toEqual(['32', '64', '128']);
    const b = paramAxis('model.layers', { values: [[1], [2]], labels: ['without batch norm', 'with batch norm'] }, 200);
    expect(b.offset([2])).toBe(150);
    expect(b.ticks.map((t) => t.label)).toEqual(['without batch norm', 'with batch norm']);
    expect(formatParam({ values: [{ type: 'sgd' }, { type: 'adam' }] }, { type: 'adam' })).toBe('adam');
  });

  it('ordinal labels too many for the axis are thinned, never overlapping', () => {
    const values = Array.from({ length: 40 }, (_, i) => i);
    const a = paramAxis('p', { values }, 200);
    const ats = a.ticks.map((t) => t.at);
    expect(a.ticks.length).toBeLessThan(40);
    expect(a.ticks.length).toBeGreaterThan(3);
    for (let i = 1; i < ats.length; i++) expect(ats[i] - ats[i - 1]).toBeGreaterThanOrEqual(14);
  });

  it('an int range is linear with whole-number ticks; a uniform one linear', () => {
    const a = paramAxis('model.layers[0].units', { int_uniform: [16, 24] }, 240);
    expect(a.kind).toBe('linear');
    expect(a.ticks.every((t) => Number.isInteger(Number(t.label)))).toBe(true);
    expect(paramAxis('x', { uniform: [0, 0.5] }, 240).kind).toBe('linear');
  });

  it('the metric: a loss reversed (the lowest on top), an accuracy not; no ticks before any result', () => {
    const loss = metricAxis('val_loss', 'minimize', [0.2, 0.8], 300);
    expect(loss.offset(0.2)!).toBeGreaterThan(loss.offset(0.8)!);
    const acc = metricAxis('val_accuracy', 'maximize', [0.6, 0.9], 300);
    expect(acc.offset(0.9)!).toBeGreaterThan(acc.offset(0.6)!);
    expect(metricAxis('val_loss', 'minimize', [], 300).ticks).toEqual([]);
    // one value: still an axis (padded), the value inside it
    const one = metricAxis('val_loss', 'minimize', [0.5], 300);
    expect(one.offset(0.5)!).toBeGreaterThan(0);
    expect(one.offset(0.5)!).toBeLessThan(300);
  });

  it('titles and labels that fit', () => {
    expect(paramTitle('training.optimizer.learningRate')).toBe('learningRate');
    expect(paramTitle('model.layers[1].units')).toBe('layer 2 units');
    expect(paramTitle('model.layers[0].kernelRegularizer.l2')).toBe('layer 1 l2');
    expect(paramTitle('training.optimizer')).toBe('optimizer');
    expect(fitLabel('without batch norm', 60)).toBe('without…');
    expect(fitLabel('adam', 60)).toBe('adam');
  });
});

describe('brushing', () => {
  const trials = [
    trial('t1', { 'training.optimizer.learningRate': 1e-4, 'model.layers[1].units': 32, 'model.layers': [1] }, 0.9),
    trial('t2', { 'training.optimizer.learningRate': 1e-3, 'model.layers[1].units': 64, 'model.layers': [2] }, 0.5),
    trial('t3', { 'training.optimizer.learningRate': 1e-2, 'model.layers[1].units': 128, 'model.layers': [2] }, 0.3),
    trial('t4', { 'training.optimizer.learningRate': 5e-2, 'model.layers[1].units': 64, 'model.layers': [1] }, null, 'running'),
  ];
  const v = view(trials);
  const layout = parcoordsLayout(v, { width: 900, height: 340, left: 78, right: 64, top: 46, bottom: 16 });

  it('the plot: an axis per parameter and the metric last, evenly spaced; a line per trial, broken where it has no value', () => {
    expect(layout.axes.map((a) => a.key)).toEqual(['training.optimizer.learningRate', 'model.layers[1].units', 'model.layers', METRIC_KEY]);
    expect(layout.axes.map((a) => a.x)).toEqual([78, 78 + 758 / 3, 78 + (2 * 758) / 3, 836]);
    expect(layout.lines.find((l) => l.trial === 't1')!.segments).toHaveLength(1);
    expect(layout.lines.find((l) => l.trial === 't1')!.segments[0]).toHaveLength(4);
    // still running: no metric yet, the line stops at the last parameter
    expect(layout.lines.find((l) => l.trial === 't4')!.segments[0]).toHaveLength(3);
    // the log axis puts 1e-3 a third of the way up (1e-4 .. 0.1 is three decades)
    const [, y2] = layout.lines.find((l) => l.trial === 't2')!.segments[0][0];
    expect(340 - 16 - y2).toBeCloseTo((340 - 46 - 16) / 3);
  });

  it('no brush keeps every trial; a brush keeps the trials inside it; brushes on two axes intersect', () => {
    expect(brushedTrials(layout.axes, {}, trials).map((t) => t.trial)).toEqual(['t1', 't2', 't3', 't4']);
    // the lower half of the learning-rate axis: 1e-4 .. ~3e-3
    expect(brushedTrials(layout.axes, { 'training.optimizer.learningRate': [0, 0.5] }, trials).map((t) => t.trial)).toEqual(['t1', 't2']);
    // the ordinal units axis around 64 (the middle third); reversed ends count the same
    expect(brushedTrials(layout.axes, { 'model.layers[1].units': [0.6, 0.4] }, trials).map((t) => t.trial)).toEqual(['t2', 't4']);
    expect(brushedTrials(layout.axes, { 'model.layers[1].units': [0.4, 0.6], 'training.optimizer.learningRate': [0, 0.5] }, trials).map((t) => t.trial)).toEqual(['t2']);
    // the labelled axis: "with batch norm" is the upper half
    expect(brushedTrials(layout.axes, { 'model.layers': [0.5, 1] }, trials).map((t) => t.trial)).toEqual(['t2', 't3']);
  });

  it('a brush on the metric drops the trials that have none yet; the better end is up', () => {
    const top = brushedTrials(layout.axes, { [METRIC_KEY]: [0.6, 1] }, trials).map((t) => t.trial);
    expect(top).toContain('t3');
    expect(top).not.toContain('t1');
    expect(top).not.toContain('t4');
    expect(insideBrushes(layout.axes, { [METRIC_KEY]: [0, 1] }, trials[3])).toBe(false);
  });

  it('a brush means the same on a plot of another size (fractions of the axis)', () => {
    const small = parcoordsLayout(v, { width: 400, height: 200, left: 40, right: 40, top: 30, bottom: 10 });
    const b = { 'training.optimizer.learningRate': [0, 0.5] as [number, number] };
    expect(brushedTrials(small.axes, b, trials).map((t) => t.trial)).toEqual(brushedTrials(layout.axes, b, trials).map((t) => t.trial));
  });
});

describe('colours and the table', () => {
  it('viridis over the values, the best brightest (a loss: its lowest), grey without a value', () => {
    const c = metricColors([0.2, 0.8], 'minimize');
    const lum = (hex: string) => { const n = parseInt(hex.slice(1), 16); return 0.2126 * (n >> 16) + 0.7152 * ((n >> 8) & 255) + 0.0722 * (n & 255); };
    const rgb = (s: string) => { const m = /rgb\((\d+), (\d+), (\d+)\)/.exec(s); return m ? `#${[m[1], m[2], m[3]].map((x) => Number(x).toString(16).padStart(2, '0')).join('')}` : s; };
    expect(lum(rgb(c.color(0.2)))).toBeGreaterThan(lum(rgb(c.color(0.8))));
    expect(lum(rgb(metricColors([0.2, 0.8], 'maximize').color(0.8)))).toBeGreaterThan(lum(rgb(metricColors([0.2, 0.8], 'maximize').color(0.2))));
    expect(c.color(null)).toBe(NO_METRIC_COLOR);
    expect(c.color(Number.NaN)).toBe(NO_METRIC_COLOR);
  });

  it('the best trial: the best metric so far while running, the host\'s pick once it ended', () => {
    const ts = [trial('t1', {}, 0.5), trial('t2', {}, 0.3), trial('t3', {}, null, 'running'), trial('t4', {}, Number.NaN, 'diverged')];
    expect(bestTrial(view(ts))).toBe('t2');
    expect(bestTrial(view(ts, { goal: 'maximize' }))).toBe('t1');
    expect(bestTrial(view(ts, { best: { trial: 't1', metric: 0.5 } }))).toBe('t1');
    expect(bestTrial(view([trial('t1', {}, null, 'queued')]))).toBeNull();
  });

  it('sorted by metric (best first for the goal), trials without one last; by trial in sweep order', () => {
    const ts = [trial('t1', {}, 0.5), trial('t2', {}, null, 'queued'), trial('t3', {}, 0.3), trial('t4', {}, 0.9)];
    expect(sortTrials(ts, bestFirst('minimize')).map((t) => t.trial)).toEqual(['t3', 't1', 't4', 't2']);
    expect(sortTrials(ts, bestFirst('maximize')).map((t) => t.trial)).toEqual(['t4', 't1', 't3', 't2']);
    expect(sortTrials(ts, { by: 'trial', dir: 'desc' }).map((t) => t.trial)).toEqual(['t4', 't3', 't2', 't1']);
  });
});

describe('the successive-halving bracket', () => {
  // nine trials through rungs at 1, 3 and 9 epochs with eta 3 (the scheduler decides, as in a sweep)
  const asha = new AshaScheduler({ minEpochs: 1, maxEpochs: 9, reductionFactor: 3 }, 'minimize');
  const at1 = [0.9, 0.5, 0.7, 0.3, 0.8, 0.6, 0.4, 0.2, 1.0];
  at1.forEach((m, i) => asha.report(`t${i + 1}`, 1, m));
  const promoted1 = asha.rungs()[0].entries.filter((e) => e.promoted).map((e) => e.trial);
  promoted1.forEach((t, i) => asha.report(t, 3, 0.25 - i * 0.05));
  const promoted3 = asha.rungs()[1].entries.filter((e) => e.promoted).map((e) => e.trial);
  promoted3.forEach((t) => asha.report(t, 9, 0.05));
  const box = { width: 600, height: 300, left: 80, right: 60, top: 40, bottom: 20 };
  // (as the host sends them: shared/sweep/view.ts)
  const layout = bracketLayout(asha.rungs().map((r) => ({ epochs: r.epoch, final: r.final, entries: r.entries })), 'val_loss', 'minimize', box);

  it('one column per rung, evenly across the plot, with its count and promotions', () => {
    expect(layout.columns.map((c) => c.epochs)).toEqual([1, 3, 9]);
    expect(layout.columns.map((c) => c.x)).toEqual([80, 310, 540]);
    expect(layout.columns[0].count).toBe(9);
    expect(layout.columns[0].promoted).toBe(promoted1.length);
    expect(promoted1.length).toBeGreaterThan(0);
  });

  it('a dot per result, in its rung\'s column; the stopped greyed (not promoted below the last rung); the last rung is final', () => {
    expect(layout.dots).toHaveLength(9 + promoted1.length + promoted3.length);
    const first = layout.dots.filter((d) => d.rung === 1);
    expect(first.every((d) => d.x === 80)).toBe(true);
    expect(first.filter((d) => d.stopped).length).toBe(9 - promoted1.length);
    expect(first.filter((d) => d.stopped).every((d) => !d.promoted)).toBe(true);
    expect(layout.dots.filter((d) => d.rung === 9).every((d) => d.final && !d.stopped)).toBe(true);
    // the better end up: a lower loss is drawn higher
    const y = (t: string) => first.find((d) => d.trial === t)!.y;
    expect(y('t8')).toBeLessThan(y('t9'));
    expect(layout.dots.every((d) => d.y >= box.top - 0.01 && d.y <= box.height - box.bottom + 0.01)).toBe(true);
  });

  it('a line from each promoted result to the same trial at the next rung, none from a stopped one', () => {
    expect(layout.links).toHaveLength(promoted1.length + promoted3.length);
    for (const l of layout.links) {
      const from = layout.dots.find((d) => d.trial === l.trial && d.x === l.x1)!;
      expect(from.promoted).toBe(true);
      expect(l.x2).toBeGreaterThan(l.x1);
    }
  });

  it('a result that is not a number is counted, not drawn; no rungs is an empty chart', () => {
    const r = bracketLayout([{ epochs: 1, entries: [{ trial: 'a', metric: null, promoted: false }, { trial: 'b', metric: 0.4, promoted: true }] }, { epochs: 3, entries: [] }], 'val_loss', 'minimize', box);
    expect(r.offScale).toBe(1);
    expect(r.dots).toHaveLength(1);
    expect(r.links).toHaveLength(0);
    expect(bracketLayout([], 'val_loss', 'minimize', box).dots).toEqual([]);
  });
});

describe('status words', () => {
  it('a trial successive halving stopped says so, whatever reason the engine gave for the stop', async () => {
    const { statusText } = await import('../../renderer/src/views/sweeps/trial-rows.ts');
    const v = { asha: { minEpochs: 1, maxEpochs: 9, reductionFactor: 3 }, rungs: [{ epochs: 1, final: false, entries: [{ trial: 't1', metric: 0.9, promoted: false }, { trial: 't2', metric: 0.2, promoted: true }] }] };
    expect(statusText({ trial: 't1', status: 'stopped', reason: 'stopped by the user', rung: 1 }, v)).toBe('stopped at rung 1 (not in the top 1/3)');
    // the user's Stop (a promoted trial stopped mid-way) keeps the engine's words
    expect(statusText({ trial: 't2', status: 'stopped', reason: 'stopped by the user', rung: 1 }, v)).toBe('stopped (stopped by the user)');
    expect(statusText({ trial: 't3', status: 'completed', rung: 9 }, v)).toBe('completed');
    expect(statusText({ trial: 't1', status: 'stopped', reason: 'stopped by the user', rung: null }, { asha: null, rungs: null })).toBe('stopped (stopped by the user)');
  });

  it('a trial that started again says which attempt its run is; a first attempt says nothing', async () => {
    const { statusText } = await import('../../renderer/src/views/sweeps/trial-rows.ts');
    const flat = { asha: null, rungs: null };
    expect(statusText({ trial: 't1', status: 'running', rung: null, attempt: 2 }, flat)).toBe('running · attempt 2');
    expect(statusText({ trial: 't1', status: 'completed', rung: null, attempt: 1 }, flat)).toBe('completed');
    expect(statusText({ trial: 't1', status: 'queued', rung: null }, flat)).toBe('queued');
  });

  it('a log axis over many decades labels the decades only', () => {
    const a = paramAxis('lr', { log_uniform: [1e-6, 1] }, 600);
    expect(a.ticks.map((t) => t.label)).toEqual(['1e-6', '1e-5', '1e-4', '0.001', '0.01', '0.1', '1']);
  });
});
