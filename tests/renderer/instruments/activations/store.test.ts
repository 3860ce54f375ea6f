// The activations store: what the heatmap reads, and collections kept in step order whatever
// order they arrive in.
import { describe, expect, it } from 'vitest';
import { heatValue, activationsStore } from '../../../../renderer/src/instruments/activations/store.ts';
import { RunData } from '../../../../renderer/src/lib/run-data.ts';
import type { RunEvent } from '../../../../shared/events.ts';

describe('activations store', () => {
  it('heat values: saturation for squashing units, dead fraction for ReLU, none otherwise', () => {
    const s = { saturatedFrac: [0.25], deadFrac: [0.5] };
    const l = (unitKind: string) => ({ unitKind }) as never;
    expect(heatValue(l('tanh'), s, 0)).toBe(0.25);
    expect(heatValue(l('relu_family'), s, 0)).toBe(0.5);
    expect(heatValue(l('linear'), s, 0)).toBeNull();
  });

  it('collections arriving out of order are kept in step order', () => {
    const d = new RunData('r');
    const info = { name: 'a', className: 'Dense', outputShape: [null, 1], params: 0, activation: 'tanh', unitKind: 'tanh', kernelInitializer: null, units: 1, unitIndex: [0], variables: [], trainable: true };
    const hist = { lo: 0, hi: 1, counts: [1, 2] };
    const layer = { layer: 'a', saturatedFrac: 0, deadFrac: 0, mean: 0, std: 0, min: 0, max: 0, zeroFrac: 0, nan: 0, inf: 0, count: 1, unitSaturated: [0.5], unitDead: [0], hist };
    const c = (step: number): RunEvent => ({ v: 2, t: 0, type: 'collection', step, epoch: 0, costMs: 0, payloads: { activations: { v: 1, data: { layers: [{ ...layer, mean: step }] } } } });
    d.ingest([{ v: 2, t: 0, type: 'run-start', spec: { instruments: { histogramBins: 2 } }, model: { layers: [info] } } as never, c(5), c(1), c(3)]);
    expect(d.collectionSteps).toEqual([1, 3, 5]);
    const s = d.store(activationsStore)!;
    expect(s.steps).toEqual([1, 3, 5]);
    expect(s.layers[0].mean).toEqual([1, 3, 5]);
    expect(Array.from(s.layers[0].unitSaturated[0])).toEqual([0.5]);
    expect(Array.from(s.layers[0].hist[2].counts)).toEqual([1, 2]);
  });
});
