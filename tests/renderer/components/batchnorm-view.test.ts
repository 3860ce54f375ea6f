// The Batch norm tab rendered in jsdom from a run's events: its charts, the layer chooser, the fold
// table (pass, fail, not foldable with the reason), what it says without BN; and when the tab is available.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render } from '@testing-library/svelte';
import { tick } from 'svelte';
import BatchNormView from '../../../renderer/src/instruments/batchnorm/BatchNormView.svelte';
import { batchnormViews } from '../../../renderer/src/instruments/batchnorm/views.ts';
import { RunData } from '../../../renderer/src/lib/run-data.ts';
import type { RunEvent } from '../../../shared/events.ts';
import type { LayerInfo } from '../../../shared/layers.ts';

globalThis.ResizeObserver ??= class { observe() {} unobserve() {} disconnect() {} } as unknown as typeof ResizeObserver;
afterEach(() => cleanup());

const info = (name: string, className: string, units: number): LayerInfo => ({
  name, className, outputShape: [null, units], params: 0, activation: className === 'Dense' ? 'linear' : null, unitKind: 'linear',
  kernelInitializer: null, units, unitIndex: Array.from({ length: units }, (_, i) => i), variables: [], trainable: true,
});

function layerStats(layer: string, input: string, step: number) {
  const c = [0, 1, 2];
  return {
    layer, input, channels: 3, center: true, scale: true, epsilon: 1e-3, preMean: 0.1, preStd: 2 + step, runMeanAvg: 0.1 * step, batchMeanAvg: 0.5,
    runVarAvg: 1, batchVarAvg: 0.5, meanShift: 1 / (1 + step), varRatio: 2, gammaMean: 1, gammaStd: 0.1, betaMean: 0, betaStd: 0.05, collapsed: layer === 'bn2' ? 1 : 0,
    runMean: c.map((k) => k * 0.1), runVar: c.map(() => 1), batchMean: c.map((k) => k * 0.2), batchVar: c.map(() => 0.5), gamma: [1, 0.001, 1], beta: [0, 0, 0],
  };
}

function runOf(withBn: boolean): RunData {
  const layers = withBn
    ? [info('fc1', 'Dense', 3), info('bn1', 'BatchNormalization', 3), info('fc2', 'Dense', 3), info('bn2', 'BatchNormalization', 3)]
    : [info('fc1', 'Dense', 3)];
  const spec = {
    instruments: { histogramBins: 4, probeBatchSize: 64 },
    model: { layers: [{ type: 'dense', units: 3, name: 'fc1' }, { type: 'batchnorm', momentum: 0.9, epsilon: 1e-3, name: 'bn1' }, { type: 'dense', units: 3, activation: 'tanh', name: 'fc2' }, { type: 'batchnorm', momentum: 0.99, epsilon: 1e-2, name: 'bn2' }] },
  };
  const events = [
    { v: 2, t: 0, type: 'run-start', runId: 'r', spec, model: { layers, totalParams: 0, trainableParams: 0 } },
    ...(withBn ? [0, 5, 10].map((step) => ({ v: 2, t: 0, type: 'collection', step, epoch: 0, costMs: 0, payloads: { batchnorm: { v: 1, data: { layers: [layerStats('bn1', 'fc1', step), layerStats('bn2', 'fc2', step)] } } } })) : []),
    ...(withBn ? [{
      v: 2, t: 0, type: 'instrument', instrument: 'batchnorm', step: 10, epoch: 0, payload: { v: 1, data: { kind: 'fold', final: false, layers: [
        { layer: 'bn1', into: 'fc1', foldable: true, maxAbsErr: 3e-7, maxAbsOut: 2.5 },
        { layer: 'bn2', into: 'fc2', foldable: false, reason: 'fc2 applies tanh before BN: BN after a nonlinearity cannot be folded into the weights', maxAbsErr: null, maxAbsOut: null },
      ] } },
    }] : []),
  ] as unknown as RunEvent[];
  const run = new RunData('r');
  run.ingest(events);
  return run;
}

const app = (current: RunData | null) => ({ current, tick: 1, live: false, engine: {}, error: null, tab: 'batchnorm', evaluateNow() {}, library: {} }) as never;

describe('Batch norm view', () => {
  it('draws the chosen layer over time and per channel, and the fold table', async () => {
    const { getByTestId, getByText, container } = render(BatchNormView, { app: app(runOf(true)) });
    expect(getByTestId('batchnorm-view')).toBeTruthy();
    for (const id of ['chart-bn-stats', 'chart-bn-var', 'chart-bn-mismatch', 'chart-bn-gamma', 'chart-bn-scale', 'chart-bn-channels-mean', 'chart-bn-channels-var']) expect(getByTestId(id)).toBeTruthy();
    expect(getByText(/Running statistics lagging the batch statistics/)).toBeTruthy();
    expect(getByText(/Gamma collapsing to 0/)).toBeTruthy();
    expect(getByText(/A pre-BN scale that explodes/)).toBeTruthy();
    expect(container.textContent).toContain('~10 steps to catch up'); // bn1: momentum 0.9
    const table = getByTestId('bn-fold');
    const rows = [...table.querySelectorAll('tbody tr')].map((r) => r.textContent);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/bn1.*fc1.*3\.000e-7.*2\.5.*pass/);
    expect(rows[1]).toMatch(/bn2.*not foldable: fc2 applies tanh/);
    expect(container.textContent).toMatch(/BN fusion/);
    // the layer chooser: bn2 has a collapsed gamma and momentum 0.99
    const select = getByTestId('bn-layer') as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(['bn1', 'bn2']);
    await fireEvent.change(select, { target: { value: '1' } });
    await tick();
    expect(container.textContent).toContain('~100 steps to catch up');
    expect(container.textContent).toMatch(/collapsed gamma \(latest\)1 of 3/);
  });

  it('a fold that does not reproduce the outputs fails; the latest check (the final model\'s) is the one shown', () => {
    const run = runOf(true);
    run.ingest([{ v: 2, t: 0, type: 'instrument', instrument: 'batchnorm', step: 10, epoch: 0, payload: { v: 1, data: { kind: 'fold', final: true, layers: [
      { layer: 'bn1', into: 'fc1', foldable: true, maxAbsErr: 0.25, maxAbsOut: 2.5 },
    ] } } } as RunEvent]);
    const { getByTestId } = render(BatchNormView, { app: app(run) });
    const rows = [...getByTestId('bn-fold').querySelectorAll('tbody tr')].map((r) => r.textContent);
    expect(rows).toEqual([expect.stringMatching(/bn1.*fc1.*0\.25.*FAIL.*final model \(step 10\)/)]);
  });

  it('says what BN is for when the run has none, and the tab is then unavailable', () => {
    const plain = runOf(false);
    const { getByTestId, getByText } = render(BatchNormView, { app: app(plain) });
    expect(getByTestId('batchnorm-view')).toBeTruthy();
    expect(getByText(/has no batch-normalisation layer/)).toBeTruthy();
    expect(getByText(/normalises each channel/)).toBeTruthy();
    const tab = batchnormViews.views![0];
    expect([tab.id, tab.title, tab.available!(plain), tab.available!(runOf(true))]).toEqual(['batchnorm', 'Batch norm', false, true]);
    expect(batchnormViews.evidenceView!({} as never)).toBe('batchnorm');
  });

  it('with no run open says so', () => {
    const { getByText } = render(BatchNormView, { app: app(null) });
    expect(getByText('No run open.')).toBeTruthy();
  });
});
