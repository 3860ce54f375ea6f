// The run library (Dexie over fake-indexeddb): what goes in live comes back out the same.
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../shared/events.ts';
import { RunLibrary } from '../../renderer/src/store/library.ts';
import { TrainscopeDB } from '../../renderer/src/store/db.ts';
import { RunData } from '../../renderer/src/lib/run-data.ts';
import { packCollection, unpackCollection } from '../../renderer/src/store/pack.ts';
import { layoutOf } from '../../renderer/src/store/library.ts';
import { recordRun } from './run-events.ts';

let events: RunEvent[];
beforeAll(async () => { events = await recordRun(); });

let dbCount = 0;
const library = () => new RunLibrary(new TrainscopeDB(`test-${dbCount++}`));

describe('packing collections', () => {
  it('round-trips every number (float32 precision)', () => {
    const start = events.find((e) => e.type === 'run-start')!;
    const c = events.find((e) => e.type === 'collection')!;
    if (start.type !== 'run-start' || c.type !== 'collection') throw new Error('fixture');
    const back = unpackCollection(c.step, packCollection(c, start.spec.instruments.histogramBins), layoutOf(start), c.t);
    expect(back.activations.layers.map((l) => l.layer)).toEqual(c.activations.layers.map((l) => l.layer));
    c.activations.layers.forEach((l, i) => {
      const b = back.activations.layers[i];
      for (const k of ['mean', 'std', 'min', 'max', 'saturatedFrac', 'deadFrac', 'zeroFrac'] as const) expect(b[k]).toBeCloseTo(l[k], 5);
      expect(b.unitDead).toEqual(l.unitDead);
      expect(b.hist.counts).toEqual(l.hist.counts);
    });
    c.gradients.variables.forEach((v, i) => expect(back.gradients.variables[i].norm).toBeCloseTo(v.norm, 5));
    c.weights.variables.forEach((v, i) => {
      const r = back.weights.variables[i].updateRatio;
      if (v.updateRatio === null) expect(r).toBeNull(); else expect(r).toBeCloseTo(v.updateRatio, 6);
    });
    expect(back.gradients.globalNorm).toBe(c.gradients.globalNorm);
  });
});

describe('run library', () => {
  it('a run stored live reopens with the same data', async () => {
    const lib = library();
    const live = new RunData('test-run');
    // as the host delivers them: in batches
    for (let i = 0; i < events.length; i += 7) {
      lib.ingest('test-run', events.slice(i, i + 7));
      live.ingest(events.slice(i, i + 7));
    }
    await lib.flush();
    const runs = await lib.list();
    expect(runs.map((r) => [r.id, r.status, r.backend])).toEqual([['test-run', 'completed', 'cpu']]);
    expect(runs[0].best.val_loss).toBe(Math.min(...live.epochs.map((e) => e.validation!.loss)));
    const back = (await lib.open('test-run'))!;
    expect(back.steps).toEqual(live.steps);
    expect(back.loss).toEqual(live.loss);
    expect(back.lr).toEqual(live.lr);
    expect(back.epochs.map((e) => e.validation)).toEqual(live.epochs.map((e) => e.validation));
    expect(back.collectionSteps).toEqual(live.collectionSteps);
    expect(back.status).toBe('completed');
    expect(back.latest).toEqual(live.latest);
    back.layers.forEach((s, i) => {
      s.satFrac.forEach((v, k) => expect(v).toBeCloseTo(live.layers[i].satFrac[k], 5));
      s.gradNorm.forEach((v, k) => expect(v).toBeCloseTo(live.layers[i].gradNorm[k], 4));
      expect(s.unitDead.map((a) => Array.from(a))).toEqual(live.layers[i].unitDead.map((a) => Array.from(a)));
      expect(s.weightHist.map((h) => (h ? Array.from(h.counts) : null))).toEqual(live.layers[i].weightHist.map((h) => (h ? Array.from(h.counts) : null)));
    });
  });

  it('stores one record per (run, step), collections packed as typed arrays', async () => {
    const lib = library();
    lib.ingest('test-run', events);
    await lib.flush();
    const steps = await lib.db.steps.toArray();
    expect(steps).toHaveLength(events.filter((e) => e.type === 'step').length);
    const withC = steps.filter((s) => s.c);
    expect(withC.length).toBe(events.filter((e) => e.type === 'collection').length);
    expect(withC[0].c!.f).toBeInstanceOf(Float32Array);
    expect(withC[0].c!.dead).toBeInstanceOf(Uint8Array);
  });

  it('a run without its end reads back as interrupted', async () => {
    const lib = library();
    const cut = events.findIndex((e) => e.type === 'epoch');
    const text = events.slice(0, cut).map((e) => JSON.stringify(e)).join('\n') + '\n{"v":1,"t":0,"ty';
    const id = await lib.importLog(text);
    expect((await lib.open(id))!.status).toBe('interrupted');
    await expect(lib.importLog('{"v":1}\n')).rejects.toThrow(/no run-start event/);
  });

  it('a storage error is reported and nothing is lost: the next flush writes it', async () => {
    const lib = library();
    const errors: string[] = [];
    lib.onError = (m) => errors.push(m);
    const real = lib.db.steps.bulkPut.bind(lib.db.steps);
    let fail = true;
    lib.db.steps.bulkPut = ((...a: Parameters<typeof real>) => (fail ? Promise.reject(new DOMException('quota exceeded', 'QuotaExceededError')) : real(...a))) as typeof real;
    lib.ingest('test-run', events);
    await lib.flush();
    expect(errors).toEqual([expect.stringMatching(/could not save test-run: .*quota exceeded/)]);
    expect(await lib.db.steps.count()).toBe(0);
    fail = false;
    await lib.flush();
    expect(await lib.db.steps.count()).toBe(events.filter((e) => e.type === 'step').length);
    expect((await lib.list())[0].status).toBe('completed');
  });

  it('renames and deletes', async () => {
    const lib = library();
    lib.ingest('test-run', events);
    await lib.flush();
    await lib.rename('test-run', 'my run');
    expect((await lib.list())[0].title).toBe('my run');
    await lib.remove('test-run');
    expect(await lib.list()).toEqual([]);
    expect(await lib.db.steps.count()).toBe(0);
    expect(await lib.db.events.count()).toBe(0);
  });
});
