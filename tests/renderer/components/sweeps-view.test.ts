// The Sweeps view in jsdom, from a sweep as the host sends it: what the user must know that did
// not stop the sweep (sweep.jsonl lines that could not be read) and which attempt a retried
// trial's run is.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/svelte';
import Sweeps from '../../../renderer/src/views/Sweeps.svelte';
import type { SweepView } from '../../../shared/sweep/view.ts';

globalThis.ResizeObserver ??= class { observe() {} unobserve() {} disconnect() {} } as unknown as typeof ResizeObserver;
afterEach(() => cleanup());

const SWEEP: SweepView = {
  id: 'lr-2026-12-03T20-00-00', name: 'lr', method: 'grid', metric: 'val_loss', goal: 'minimize',
  parameters: { 'training.optimizer.learningRate': { values: [0.01, 0.1] } }, asha: null, status: 'finished',
  warnings: ['sweep.jsonl line 7 could not be read and was skipped (Unexpected end of JSON input)'],
  trials: [
    { trial: 't1', params: { 'training.optimizer.learningRate': 0.01 }, status: 'completed', epochs: 2, rung: null, metric: 0.41, runId: 'r1', attempt: 1 },
    { trial: 't2', params: { 'training.optimizer.learningRate': 0.1 }, status: 'completed', epochs: 2, rung: null, metric: 0.35, runId: 'r2', attempt: 2 },
  ],
  rungs: null, best: { trial: 't2', metric: 0.35 }, startedAt: 0,
};

describe('the Sweeps view', () => {
  it('shows the sweep\'s warnings, and the attempt of a trial that started again', () => {
    const app = { sweep: SWEEP, draft: null, presets: [], runs: [], sweepError: null, sweepStarting: false, sweepDraft: null, stopSweep() {}, open() {}, compareRuns() {} };
    const { getAllByTestId } = render(Sweeps, { app: app as never });
    expect(getAllByTestId('sweep-warning').map((w) => w.textContent)).toEqual([SWEEP.warnings![0]]);
    expect(getAllByTestId('sweep-status').map((s) => s.textContent)).toEqual(['completed', 'completed · attempt 2']);
  });
});
