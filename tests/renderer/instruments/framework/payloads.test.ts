// Storage never looks inside a payload: what an instrument here cannot read (an unknown one, a
// newer format) is kept as it came and reported once, never misread.
import { describe, expect, it } from 'vitest';
import { packCollection, unpackCollection } from '../../../../renderer/src/instruments/framework/payloads.ts';
import { layoutOf } from '../../../../renderer/src/instruments/framework/layout.ts';
import { RunData } from '../../../../renderer/src/lib/run-data.ts';
import { activationsStore } from '../../../../renderer/src/instruments/activations/store.ts';
import type { RunEvent, RunStartEvent } from '../../../../shared/events.ts';

const info = { name: 'a', className: 'Dense', outputShape: [null, 1], params: 0, activation: 'tanh', unitKind: 'tanh', kernelInitializer: null, units: 1, unitIndex: [0], variables: [], trainable: true } as const;
const start = { v: 2, t: 0, type: 'run-start', spec: { instruments: { histogramBins: 2 } }, model: { layers: [info] } } as unknown as RunStartEvent;
const hist = { lo: 0, hi: 1, counts: [1, 2] };
const layer = { layer: 'a', saturatedFrac: 0.5, deadFrac: 0, mean: 1, std: 0, min: 0, max: 0, zeroFrac: 0, nan: 0, inf: 0, count: 1, unitSaturated: [0.5], unitDead: [0], hist };

describe('packed collections', () => {
  it('keeps payloads it cannot read, says why, and reads the rest', () => {
    const e = {
      epoch: 0, costMs: 1, payloads: {
        activations: { v: 1, data: { layers: [layer] } },
        spectra: { v: 1, data: { peaks: [1, 2] } },
        gradients: { v: 99, data: { whatever: true } },
      },
    };
    const { packed, problems } = packCollection(e, layoutOf(start));
    expect(packed.ids).toEqual(['activations']);
    expect(packed.raw).toEqual({ spectra: e.payloads.spectra, gradients: e.payloads.gradients });
    expect(problems).toEqual([
      expect.stringMatching(/^spectra: recorded by an instrument this Trainscope does not know/),
      expect.stringMatching(/^gradients: recorded by a newer Trainscope \(format v99, this one reads up to v1\)/),
    ]);
    expect([...unpackCollection(packed)].map((p) => ('inst' in p ? p.inst.definition.id : p.problem))).toEqual(['activations']);
  });

  it('a run shows what it can and reports the rest once, in its warnings', () => {
    const d = new RunData('r');
    const c = (step: number): RunEvent => ({ v: 2, t: 0, type: 'collection', step, epoch: 0, costMs: 0, payloads: { activations: { v: 1, data: { layers: [layer] } }, spectra: { v: 3, data: {} } } });
    d.ingest([start, c(0), c(1)]);
    expect(d.store(activationsStore)!.layers[0].saturatedFrac).toEqual([0.5, 0.5]);
    expect(d.warnings).toEqual([expect.stringMatching(/^spectra: /)]);
  });

  it('a layout the stored record was not packed in is reported, not misread', () => {
    const { packed } = packCollection({ epoch: 0, costMs: 0, payloads: { activations: { v: 1, data: { layers: [layer] } } } }, layoutOf(start));
    const old = { ...packed, versions: [0] };
    expect([...unpackCollection(old)]).toEqual([{ problem: expect.stringMatching(/activations: stored in layout v0/) }]);
  });
});
