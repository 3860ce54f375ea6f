// The gradients store: a layer's norm is the norm of all its variables; a non-finite one shows
// as such (the step that blew up is the one a user looks for), a layer without variables has none.
import { describe, expect, it } from 'vitest';
import { RunData } from '../../../../renderer/src/lib/run-data.ts';
import { gradientsStore } from '../../../../renderer/src/instruments/gradients/store.ts';
import type { RunEvent } from '../../../../shared/events.ts';

const layer = (name: string, variables: string[]) => ({ name, className: 'Dense', outputShape: [null, 2], params: 0, activation: 'linear', unitKind: 'linear', kernelInitializer: null, units: 2, unitIndex: [0, 1], variables, trainable: true });
const start = { v: 2, t: 0, type: 'run-start', spec: { instruments: { histogramBins: 2 } }, model: { layers: [layer('d1', ['d1/kernel', 'd1/bias']), layer('flat', []), layer('d2', ['d2/kernel'])] } } as never;
const stats = (variable: string, norm: number) => ({ variable, layer: variable.split('/')[0], norm, maxAbs: 1, count: 1, mean: 0, std: 0, min: 0, max: 0, zeroFrac: 0, nan: 0, inf: 0, hist: { lo: 0, hi: 1, counts: [1, 0] } });
const collection = (step: number, k1: number): RunEvent => ({
  v: 2, t: 0, type: 'collection', step, epoch: 0, costMs: 0,
  payloads: { gradients: { v: 1, data: { globalNorm: 5, globalNormClipped: 5, variables: [stats('d1/kernel', k1), stats('d1/bias', 4), stats('d2/kernel', 2)] } } },
});

describe('gradients store', () => {
  it('per layer: the norm of its variables together; NaN stays NaN; none for a layer without variables', () => {
    const d = new RunData('r');
    d.ingest([start, collection(0, 3), collection(1, NaN)]);
    const s = d.store(gradientsStore)!;
    expect(s.layerNorm[0][0]).toBeCloseTo(5, 6); // sqrt(3^2 + 4^2)
    expect(s.layerNorm[0][1]).toBeNaN(); // a NaN kernel is not hidden by its bias
    expect(s.layerNorm[1]).toEqual([NaN, NaN]);
    expect(s.layerNorm[2]).toEqual([2, 2]);
    // through JSON (browser mode): NaN arrives as null and reads back as NaN
    const e = new RunData('r2');
    e.ingest(JSON.parse(JSON.stringify([start, collection(1, NaN)])));
    expect(e.store(gradientsStore)!.layerNorm[0][0]).toBeNaN();
  });
});
