// The Compare view's pure parts: smoothing, the shared step/epoch axis, the N-run spec table,
// the layers aligned by name, titles that tell same-named runs apart, the compare address.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateSpec, type RunSpec } from '../../shared/spec.ts';
import type { LayerInfo } from '../../shared/layers.ts';
import { smooth } from '../../renderer/src/lib/run-data.ts';
import { RunData } from '../../renderer/src/lib/run-data.ts';
import { NOT_SET, specDiffRows } from '../../renderer/src/views/library/spec-diff.ts';
import { alignLayers, compareRuns, diagnosisLine, distinguishTitles, shortPath } from '../../renderer/src/views/compare/compare-model.ts';
import { accuracySeries, allPositive, axisX, fractionDomain, layerGradientCell, layerSaturationCell, logPadded, lossSeries, lrSeries, sharedXDomain } from '../../renderer/src/views/compare/curves.ts';
import { RUN_COLORS, faint, runColor } from '../../renderer/src/views/compare/palette.ts';
import { parseViewHash, viewHash } from '../../renderer/src/view-url.ts';

const raw = () => JSON.parse(readFileSync(join(__dirname, '../../assets/specs/spirals-deep-tanh.json'), 'utf8'));
/** The spec as the run-start event carries it: validated, defaults filled in. */
function spec(change: (s: ReturnType<typeof raw>) => void = () => {}): RunSpec {
  const s = raw();
  change(s);
  const v = validateSpec(s);
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  return v.spec;
}

const layer = (name: string, activation: string | null = 'tanh', variables = [`${name}/kernel`, `${name}/bias`]): LayerInfo => ({
  name, className: variables.length ? 'Dense' : 'Flatten', outputShape: [null, 4], params: 20, activation, unitKind: activation === 'relu' ? 'relu' : activation === 'tanh' ? 'tanh' : 'linear',
  kernelInitializer: null, units: 4, unitIndex: [0, 1, 2, 3], variables, trainable: true,
});

/** A run as the library rebuilds it: a start event, steps with loss and lr, epochs. */
function run(id: string, o: { lr?: number; steps?: number; stepsPerEpoch?: number; layers?: LayerInfo[]; specChange?: (s: ReturnType<typeof raw>) => void; ended?: boolean } = {}): RunData {
  const d = new RunData(id);
  const steps = o.steps ?? 20, spe = o.stepsPerEpoch ?? 10;
  const s = spec(o.specChange);
  d.start = { v: 2, t: 0, type: 'run-start', runId: id, spec: s, backend: { name: 'cpu' } as never, data: {} as never, model: { layers: o.layers ?? [layer('dense_1')], totalParams: 0, trainableParams: 0 }, stepsPerEpoch: spe, totalSteps: steps };
  for (let i = 0; i < steps; i++) { d.steps.push(i); d.loss.push(1 / (i + 1) + (i % 2 ? 0.1 : 0)); d.lr.push(o.lr ?? 0.003); }
  for (let e = 0; (e + 1) * spe <= steps; e++) d.epochs.push({ v: 2, t: 0, type: 'epoch', epoch: e, step: (e + 1) * spe, train: { loss: 0.5, accuracy: 0.6 + e / 10 }, validation: { loss: 0.6, accuracy: 0.55 + e / 10 }, lr: o.lr ?? 0.003, durationMs: 1, samplesPerSec: 1, numTensors: 1 });
  if (o.ended !== false) { d.end = { type: 'run-end', status: 'completed' } as never; d.status = 'completed'; }
  return d;
}

describe('smoothing (exponential moving average, debiased as TensorBoard)', () => {
  it('0 leaves the curve as it is; the first point is never pulled toward 0', () => {
    const v = [4, 2, 8, 1];
    expect(smooth(v, 0)).toEqual(v);
    const s = smooth(v, 0.6);
    expect(s[0]).toBeCloseTo(4); // debiased: not 0.4 * 4
    expect(s[1]).toBeCloseTo((0.6 * 0.4 * 4 + 0.4 * 2) / (1 - 0.36));
  });

  it('a constant curve stays constant at any weight; a noisy one gets smoother; NaN passes through', () => {
    for (const w of [0.3, 0.9, 0.99]) for (const x of smooth([2, 2, 2, 2, 2], w)) expect(x).toBeCloseTo(2);
    const noisy = Array.from({ length: 200 }, (_, i) => 1 + (i % 2 ? 0.5 : -0.5));
    const rough = (a: number[]) => a.slice(1).reduce((t, x, i) => t + Math.abs(x - a[i]), 0);
    expect(rough(smooth(noisy, 0.9))).toBeLessThan(rough(noisy) / 5);
    const withNaN = smooth([1, NaN, 3], 0.5);
    expect(withNaN[1]).toBeNaN();
    expect(withNaN[2]).toBeGreaterThan(1);
  });

  it('the loss chart: smoothed in front, the raw curve faint behind (and none when smoothing is 0)', () => {
    const c = compareRuns([{ id: 'a', data: run('a') }, { id: 'b', data: run('b', { lr: 0.03, specChange: (s) => { s.training.optimizer.learningRate = 0.03; } }) }]);
    const off = lossSeries(c.runs, 'step', 0);
    expect(off.some((s) => s.background)).toBe(false);
    expect(off.find((s) => s.name.endsWith('train'))!.y).toEqual(c.runs[0].data.loss);
    const on = lossSeries(c.runs, 'step', 0.8);
    const back = on.filter((s) => s.background);
    expect(back).toHaveLength(2);
    expect(on.slice(0, 2).every((s) => s.background)).toBe(true); // drawn first, under every run's smoothed line
    expect(back[0].color).toBe(faint(c.runs[0].color));
    expect(back[0].y).toEqual(c.runs[0].data.loss);
    const front = on.find((s) => !s.background && s.name.endsWith('train'))!;
    expect(front.y).not.toEqual(c.runs[0].data.loss);
    expect(front.color).toBe(c.runs[0].color);
    // validation per epoch, dashed, in the run's colour
    const val = on.filter((s) => s.dashed);
    expect(val.map((s) => s.color)).toEqual(c.runs.map((r) => r.color));
  });
});

describe('the shared x axis', () => {
  it('a step is itself on the step axis, steps over steps per epoch on the epoch axis', () => {
    expect(axisX(30, 10, 'step')).toBe(30);
    expect(axisX(30, 10, 'epoch')).toBe(3);
    expect(axisX(5, 10, 'epoch')).toBe(0.5);
    expect(axisX(7, 0, 'epoch')).toBe(7); // unknown steps per epoch: left on steps
  });

  it('runs of other batch sizes line up by epoch: an epoch ends at the same x in both', () => {
    const c = compareRuns([{ id: 'a', data: run('a', { steps: 20, stepsPerEpoch: 10 }) }, { id: 'b', data: run('b', { steps: 40, stepsPerEpoch: 20 }) }]);
    const byStep = accuracySeries(c.runs, 'step'), byEpoch = accuracySeries(c.runs, 'epoch');
    expect(Array.from(byStep[0].x)).toEqual([10, 20]);
    expect(Array.from(byStep[2].x)).toEqual([20, 40]);
    expect(Array.from(byEpoch[0].x)).toEqual([1, 2]);
    expect(Array.from(byEpoch[2].x)).toEqual([1, 2]);
    const loss = lossSeries(c.runs, 'epoch', 0);
    expect(Math.max(...Array.from(loss[0].x))).toBeCloseTo(1.9);
    expect(Math.max(...Array.from(loss.filter((s) => !s.dashed)[1].x))).toBeCloseTo(1.95);
  });

  it('every panel shares one x range: from 0 to the furthest any run reached, in steps or epochs', () => {
    const c = compareRuns([{ id: 'a', data: run('a', { steps: 20, stepsPerEpoch: 10 }) }, { id: 'b', data: run('b', { steps: 30, stepsPerEpoch: 20 }) }]);
    expect(sharedXDomain(c.runs, 'step')).toEqual([0, 29]); // b's last step; a's last epoch ends at step 20
    expect(sharedXDomain(c.runs, 'epoch')).toEqual([0, 2]); // a's second epoch ends at 20 / 10
    expect(sharedXDomain([], 'step')).toEqual([0, 1]);
  });

  it('a fraction\'s y range starts at 0: small fractions fill the chart, all-zero reads as none', () => {
    const f = (y: number[]) => ({ name: '', color: '', x: y.map((_, i) => i), y });
    expect(fractionDomain([f([0, 0.01]), f([0.02, NaN])])).toEqual([0, 0.02]);
    expect(fractionDomain([f([0, 0])])).toEqual([0, 1]);
  });

  it('learning rates: one line per run, never smoothed, on a log axis when all positive', () => {
    const c = compareRuns([{ id: 'a', data: run('a') }, { id: 'b', data: run('b', { lr: 0.03 }) }]);
    const lr = lrSeries(c.runs, 'step');
    expect(lr.map((s) => s.y[0])).toEqual([0.003, 0.03]);
    expect(allPositive(lr)).toBe(true);
    expect(allPositive([{ name: 'x', color: '', x: [0, 1], y: [0, 0.1] }])).toBe(false);
  });
});

describe('the spec table of N runs', () => {
  it('only the fields that differ, by full path, with each run\'s value', () => {
    const rows = specDiffRows([spec(), spec((s) => { s.training.optimizer.learningRate = 0.03; })]);
    expect(rows).toEqual([{ path: 'training.optimizer.learningRate', values: ['0.003', '0.03'] }]);
  });

  it('three runs: a field that differs in any one of them is a row; the rest are left out', () => {
    const rows = specDiffRows([
      spec(),
      spec((s) => { s.model.layers[1].units = 128; }),
      spec((s) => { s.training.batchSize = 64; s.model.layers[2].activation = 'relu'; }),
    ]);
    expect(rows.map((r) => r.path)).toEqual(['model.layers[1].units', 'model.layers[2].activation', 'training.batchSize']);
    expect(rows[0].values).toEqual(['64', '128', '64']);
    expect(rows[2].values).toEqual(['32', '32', '64']);
  });

  it('same specs, or differing only in name and description: no rows; a layer one run lacks is one row', () => {
    expect(specDiffRows([spec(), spec((s) => { s.name = 'other'; s.description = 'again'; })])).toEqual([]);
    expect(specDiffRows([spec()])).toEqual([]);
    const rows = specDiffRows([spec(), spec((s) => { s.model.layers.push({ type: 'dropout', rate: 0.5 }); })]);
    expect(rows).toHaveLength(1);
    expect(rows[0].path).toBe('model.layers[6]');
    expect(rows[0].values[0]).toBe(NOT_SET);
    expect(JSON.parse(rows[0].values[1])).toMatchObject({ type: 'dropout', rate: 0.5 });
  });

  it('numbers as written, not as floating point prints them', () => {
    expect(specDiffRows([{ a: 0.1 + 0.2 }, { a: 0.5 }])[0].values).toEqual(['0.3', '0.5']);
  });
});

describe('layers aligned by name', () => {
  it('every name any run has, in the runs\' order; a run without one says why', () => {
    const rows = alignLayers([
      { title: 'A', layers: [layer('dense_1'), layer('flatten_2', null, []), layer('dense_3')] },
      { title: 'B', layers: [layer('dense_1'), layer('dense_2', 'relu'), layer('dense_3')] },
    ]);
    // flatten has no gradient and no saturation: no row; dense_2 (only B) after dense_1, where B has it
    expect(rows.map((r) => r.name)).toEqual(['dense_1', 'dense_2', 'dense_3']);
    expect(rows[0].cells.map((c) => ('index' in c ? c.index : -1))).toEqual([0, 0]);
    expect(rows[2].cells.map((c) => ('index' in c ? c.index : -1))).toEqual([2, 2]);
    const missing = rows[1].cells[0];
    expect('missing' in missing && missing.missing).toMatch(/^A has no layer named dense_2 \(its 2 layers: dense_1, dense_3\)$/);
  });

  it('a run with no layers recorded is a reason too, not a crash', () => {
    const rows = alignLayers([{ title: 'A', layers: [layer('dense_1')] }, { title: 'B', layers: [] }]);
    expect(rows[0].cells[1]).toEqual({ missing: 'B recorded no layers' });
  });
});

describe('the layer cells', () => {
  it('an output layer every run has as softmax: one reason, not one per run', () => {
    const layers = [layer('dense_1'), layer('dense_2', 'softmax')];
    const c = compareRuns([{ id: 'a', data: run('a', { layers }) }, { id: 'b', data: run('b', { layers }) }]);
    const cell = layerSaturationCell(c.runs, c.layers[1], 'step');
    expect(cell.series).toEqual([]);
    expect(cell.notes).toEqual([{ text: 'softmax output in every run: it neither saturates nor dies' }]);
    // a run with nothing recorded says so, in its colour
    expect(layerGradientCell(c.runs, c.layers[0], 'step').notes.map((n) => n.color)).toEqual(c.runs.map((r) => r.color));
  });

  it('an activation layer of its own (no weights) has a saturation row and says why it has no gradient', () => {
    const layers = [layer('dense_1', null), layer('dense_1_leaky_relu', 'relu', [])];
    const c = compareRuns([{ id: 'a', data: run('a', { layers }) }, { id: 'b', data: run('b', { layers }) }]);
    expect(c.layers.map((l) => l.name)).toEqual(['dense_1', 'dense_1_leaky_relu']);
    expect(layerGradientCell(c.runs, c.layers[1], 'step').notes[0].text).toMatch(/dense_1_leaky_relu has no weights, so no gradient$/);
  });

  it('a log range with room around a rate on a decade', () => {
    expect(logPadded([{ name: '', color: '', x: [0], y: [0.001] }])).toEqual([0.001 / 1.5, 0.0015]);
    expect(logPadded([{ name: '', color: '', x: [0], y: [NaN] }])).toBeUndefined();
  });
});

describe('the comparison', () => {
  it('colours in order from a categorical palette; a missing run is listed with why, the others still compared', () => {
    const c = compareRuns([{ id: 'a', title: 'first', data: run('a') }, { id: 'gone', data: null }, { id: 'b', title: 'second', data: run('b') }]);
    expect(c.runs.map((r) => [r.title, r.color])).toEqual([['first', RUN_COLORS[0]], ['second', RUN_COLORS[1]]]);
    expect(c.missing).toEqual([{ id: 'gone', why: expect.stringMatching(/^run gone is not in the run library/) }]);
    expect(new Set(Array.from({ length: 8 }, (_, i) => runColor(i))).size).toBe(8); // the eight optimisers stay apart
  });

  it('each run\'s diagnosis in one line', () => {
    const cause = run('a');
    cause.diagnosis = { cause: { kind: 'lr_too_high', title: 'The learning rate is too high' } as never, groups: [], vitals: null };
    expect(diagnosisLine(cause)).toEqual({ kind: 'cause', text: 'The learning rate is too high' });
    expect(diagnosisLine(run('b'))).toEqual({ kind: 'healthy', text: 'no problem found' });
    expect(diagnosisLine(run('c', { ended: false }))).toEqual({ kind: 'running', text: 'still running' });
    const stopped = run('d', { ended: false });
    stopped.status = 'interrupted'; // no more events will come: judged on what it has
    expect(diagnosisLine(stopped).kind).toBe('healthy');
  });

  it('runs of one name are told apart by what their specs differ in', () => {
    const c = compareRuns([
      { id: 'a', data: run('a') },
      { id: 'b', data: run('b', { specChange: (s) => { s.training.optimizer.learningRate = 0.03; } }) },
    ]);
    expect(c.runs.map((r) => r.title)).toEqual(['spirals-deep-tanh · learningRate 0.003', 'spirals-deep-tanh · learningRate 0.03']);
    // another optimiser: named by the fields both set, not by one only the other has ("rho —")
    const opt = [{ title: 'm' }, { title: 'm' }];
    distinguishTitles(opt, [
      { path: 'training.optimizer.type', values: ['rmsprop', 'adam'] },
      { path: 'training.optimizer.rho', values: ['0.9', NOT_SET] },
      { path: 'training.optimizer.learningRate', values: ['0.001', '0.003'] },
    ]);
    expect(opt.map((r) => r.title)).toEqual(['m · type rmsprop, learningRate 0.001', 'm · type adam, learningRate 0.003']);
    const same = [{ title: 'x' }, { title: 'x' }, { title: 'y' }];
    distinguishTitles(same, []);
    expect(same.map((r) => r.title)).toEqual(['x · #1', 'x · #2', 'y']);
    // a sweep's trials differ by their number only: each keeps it, and gets its values
    const trials = [{ title: 'opt-t001' }, { title: 'opt-t002' }, { title: 'other' }];
    distinguishTitles(trials, [{ path: 'training.optimizer.type', values: ['sgd', 'adam', 'adam'] }]);
    expect(trials.map((r) => r.title)).toEqual(['opt-t001 · type sgd', 'opt-t002 · type adam', 'other']);
    expect(shortPath('model.layers[1].units')).toBe('layers[1].units');
    expect(shortPath('seed')).toBe('seed');
  });
});

describe('the compare address', () => {
  it('#compare=a,b opens the Compare view on those runs, and is what the view writes', () => {
    expect(parseViewHash('#compare=run-1,run-2')).toEqual({ run: null, tab: 'compare', compare: ['run-1', 'run-2'] });
    expect(viewHash({ run: 'run-9', tab: 'compare', compare: ['run-1', 'run-2'] })).toBe('#compare=run-1,run-2');
    // an id with a comma or space survives the round trip; duplicates and empties are dropped
    const ids = ['a,b', 'c d'];
    expect(parseViewHash(viewHash({ run: null, tab: 'compare', compare: ids })).compare).toEqual(ids);
    expect(parseViewHash('#compare=x,,x,y').compare).toEqual(['x', 'y']);
    // other tabs keep their address
    expect(viewHash({ run: 'r', tab: 'overview', compare: ['a', 'b'] })).toBe('#run=r&tab=overview');
  });
});
