// The statistics worker and the inline reducer must produce the same numbers.
import { describe, expect, it } from 'vitest';
import { Trainer } from '../../../../main/engine/train/trainer.ts';
import { parkedStatsWorker, statsWorkerStarts } from '../../../../main/engine/instruments/framework/reducer.ts';
import { acts, grads, ofType, tinySpec, wts } from '../../../helpers.ts';
import type { RunEvent } from '../../../../shared/events.ts';

async function collections(offThread: boolean, backend: 'cpu' | 'wasm', units = 12) {
  const s = tinySpec({
    model: { layers: [{ type: 'dense', units, activation: 'sigmoid' }, { type: 'batchnorm' }, { type: 'dense', units: 6, activation: 'relu' }, { type: 'dense', units: 3, activation: 'softmax' }] },
    training: { epochs: 2, batchSize: 32, clip: { globalNorm: 0.5 } },
    instruments: { every: 1 },
  });
  const trainer = new Trainer({ spec: s, baseDir: '.', backend, offThread });
  const events: RunEvent[] = [];
  trainer.on((e) => events.push(e));
  await trainer.run();
  return events;
}

describe.each(['cpu', 'wasm'] as const)('statistics reducer on %s', (backend) => {
  it('the worker and the training thread agree, every step, every layer', async () => {
    const worker = await collections(true, backend);
    const inline = await collections(false, backend);
    expect(ofType(worker, 'warning').map((w) => w.message)).toEqual([]); // the worker started: no fallback note
    const a = ofType(worker, 'collection').sort((x, y) => x.step - y.step);
    const b = ofType(inline, 'collection');
    expect(a.map((c) => c.step)).toEqual(b.map((c) => c.step));
    expect(a.length).toBe(ofType(inline, 'step').length);
    const strip = (c: (typeof a)[number]) => ({ ...c, t: 0, costMs: 0 });
    for (let i = 0; i < a.length; i++) {
      const x = strip(a[i]), y = strip(b[i]);
      expect(grads(x)).toEqual(grads(y));
      expect(wts(x)).toEqual(wts(y));
      // activations come from a copy of the model in the worker: equal to float precision
      acts(x).layers.forEach((l, k) => {
        const m = acts(y).layers[k];
        expect(l.layer).toBe(m.layer);
        expect(l.mean).toBeCloseTo(m.mean, 5);
        expect(l.std).toBeCloseTo(m.std, 5);
        expect(l.unitDead).toEqual(m.unitDead);
        l.unitSaturated.forEach((u, j) => expect(u).toBeCloseTo(m.unitSaturated[j], 5));
      });
    }
    // every collection but the first reuses the previous step's weights as its "before"
    for (const c of a.slice(1)) for (const w of wts(c).variables) if (w.norm > 0) expect(w.updateRatio).toBeGreaterThan(0);
  });
});

describe('the statistics worker between runs', () => {
  it('is started once and serves run after run, each with its own model, as a fresh one would', async () => {
    const first = await collections(true, 'wasm', 9); // (another model: the next run must not see its weights or layers)
    const startsAfterFirst = statsWorkerStarts.count;
    const second = await collections(true, 'wasm');
    const third = await collections(true, 'wasm');
    expect(statsWorkerStarts.count).toBe(startsAfterFirst); // the parked worker was set up again, twice
    for (const run of [first, second, third]) expect(ofType(run, 'warning').map((w) => w.message)).toEqual([]);
    const inline = await collections(false, 'wasm');
    const strip = (c: ReturnType<typeof ofType<'collection'>>[number]) => ({ ...c, t: 0, costMs: 0 });
    for (const run of [second, third]) {
      const a = ofType(run, 'collection').sort((x, y) => x.step - y.step), b = ofType(inline, 'collection');
      expect(a.length).toBe(b.length);
      a.forEach((c, i) => {
        expect(wts(strip(c))).toEqual(wts(strip(b[i])));
        acts(strip(c)).layers.forEach((l, k) => expect(l.mean).toBeCloseTo(acts(strip(b[i])).layers[k].mean, 5));
      });
    }
  });

  it('a parked worker that fails is dropped without taking the process down, and the next run starts a new one', async () => {
    await collections(true, 'wasm');
    const parked = parkedStatsWorker();
    expect(parked).not.toBeNull();
    const exited = new Promise((resolve) => parked!.once('exit', resolve));
    parked!.postMessage(null); // (a message the worker cannot read: it throws outside any handler and dies)
    await exited;
    expect(parkedStatsWorker()).toBeNull();
    const before = statsWorkerStarts.count;
    const run = await collections(true, 'wasm');
    expect(statsWorkerStarts.count).toBe(before + 1);
    expect(ofType(run, 'warning').map((w) => w.message)).toEqual([]);
    expect(ofType(run, 'collection').length).toBeGreaterThan(0);
  });
});
