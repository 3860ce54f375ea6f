// The comparison built from real engine events, as a sweep would open its trials: two tiny runs
// (another learning rate, one layer fewer) read into RunData the way the library rebuilds them;
// the layer cells come from the gradients and activations instruments' own stores.
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../shared/events.ts';
import { RunData } from '../../renderer/src/lib/run-data.ts';
import { compareRuns } from '../../renderer/src/views/compare/compare-model.ts';
import { layerGradientCell, layerSaturationCell, lossSeries } from '../../renderer/src/views/compare/curves.ts';
import { tinySpec, trainAll } from '../helpers.ts';

const dataOf = (id: string, events: RunEvent[]) => { const d = new RunData(id); d.ingest(events); return d; };

let a: RunEvent[], b: RunEvent[];
beforeAll(async () => {
  a = (await trainAll(tinySpec({ training: { epochs: 2, batchSize: 32, optimizer: { type: 'adam', learningRate: 0.01 } } }))).events;
  b = (await trainAll(tinySpec({
    model: { layers: [{ type: 'dense', units: 16, activation: 'tanh' }, { type: 'dense', units: 3, activation: 'softmax' }] },
    training: { epochs: 2, batchSize: 32, optimizer: { type: 'adam', learningRate: 0.1 } },
  }))).events;
}, 120_000);

describe('a comparison of recorded runs', () => {
  it('spec differences by path, layers by name, per-layer numbers from the instruments\' stores', () => {
    const c = compareRuns([{ id: 'a', data: dataOf('a', a) }, { id: 'b', data: dataOf('b', b) }]);
    expect(c.missing).toEqual([]);
    const paths = c.specDiff.map((r) => r.path);
    expect(paths).toContain('training.optimizer.learningRate');
    expect(c.specDiff.find((r) => r.path === 'training.optimizer.learningRate')!.values).toEqual(['0.01', '0.1']);
    expect(paths.some((p) => p.startsWith('model.layers[1]'))).toBe(true);
    // the runs are both "tiny": told apart by their first differences
    expect(c.runs[0].title).not.toBe(c.runs[1].title);

    expect(c.layers.map((l) => l.name)).toEqual(['dense_1', 'dense_2', 'dense_3']);
    const [first, , third] = c.layers;
    const grads = layerGradientCell(c.runs, first, 'step');
    expect(grads.series).toHaveLength(2);
    for (const s of grads.series) {
      expect(s.x.length).toBeGreaterThan(2);
      expect(Array.from(s.y).every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    }
    const sat = layerSaturationCell(c.runs, first, 'epoch');
    expect(sat.series.map((s) => s.name)).toEqual([`${c.runs[0].title} (saturated)`, `${c.runs[1].title} (saturated)`]);
    expect(Array.from(sat.series[0].y).every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(Math.max(...Array.from(sat.series[0].x))).toBeLessThanOrEqual(2); // epochs, not steps
    // b has no third layer: its cell is the reason
    const missing = layerGradientCell(c.runs, third, 'step');
    expect(missing.series).toHaveLength(1);
    expect(missing.notes[0].text).toMatch(/has no layer named dense_3 \(its 2 layers: dense_1, dense_2\)/);

    // each run's loss per step, and its validation loss at each epoch's end
    const loss = lossSeries(c.runs, 'step', 0.5);
    expect(loss.filter((s) => s.dashed).map((s) => s.y.length)).toEqual([2, 2]);
    expect(c.runs.map((r) => r.diagnosis.kind).every((k) => k !== 'running')).toBe(true);
  });
});
