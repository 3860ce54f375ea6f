// The run library (Dexie over fake-indexeddb): what goes in live comes back out the same.
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../shared/events.ts';
import { RunLibrary } from '../../renderer/src/store/library.ts';
import { TrainscopeDB } from '../../renderer/src/store/db.ts';
import { RunData } from '../../renderer/src/lib/run-data.ts';
import { packCollection } from '../../renderer/src/instruments/framework/payloads.ts';
import { layoutOf } from '../../renderer/src/instruments/framework/layout.ts';
import { activationsStore } from '../../renderer/src/instruments/activations/store.ts';
import { gradientsStore } from '../../renderer/src/instruments/gradients/store.ts';
import { weightsStore } from '../../renderer/src/instruments/weights/store.ts';
import { acts, grads, wts } from '../helpers.ts';
import { recordRun } from './run-events.ts';

let events: RunEvent[];
beforeAll(async () => { events = await recordRun(); });

let dbCount = 0;
const library = () => new RunLibrary(new TrainscopeDB(`test-${dbCount++}`));

describe('packing collections', () => {
  it('each instrument packs into one record; adding the packed numbers gives what the payloads say (float32 precision)', () => {
    const start = events.find((e) => e.type === 'run-start')!;
    const c = events.find((e) => e.type === 'collection')!;
    if (start.type !== 'run-start' || c.type !== 'collection') throw new Error('fixture');
    const { packed, problems } = packCollection(c, layoutOf(start));
    expect(problems).toEqual([]);
    expect(packed.ids).toEqual(['activations', 'gradients', 'weights']);
    expect(packed.f).toBeInstanceOf(Float32Array);
    expect(packed.offsets.at(-1)).toBe(packed.f.length);
    const run = new RunData('r');
    run.ingest([start]);
    run.addPacked(c.step, packed);
    const a = run.store(activationsStore)!;
    acts(c).layers.forEach((l, i) => {
      const s = a.layers[i];
      for (const k of ['mean', 'std', 'min', 'max', 'saturatedFrac', 'deadFrac'] as const) expect(s[k][0]).toBeCloseTo(l[k], 5);
      expect(Array.from(s.unitDead[0])).toEqual(l.unitDead);
      expect(Array.from(s.hist[0].counts)).toEqual(l.hist.counts);
    });
    const g = run.store(gradientsStore)!;
    expect(g.globalNorm[0]).toBeCloseTo(grads(c).globalNorm, 5);
    const dense1 = grads(c).variables.filter((v) => v.layer === 'dense_1');
    expect(g.layerNorm[0][0]).toBeCloseTo(Math.sqrt(dense1.reduce((q, v) => q + v.norm ** 2, 0)), 5);
    const w = run.store(weightsStore)!;
    const kernel = wts(c).variables.find((v) => v.variable === 'dense_1/kernel')!;
    if (kernel.updateRatio === null) expect(w.updateRatio[0][0]).toBeNaN(); else expect(w.updateRatio[0][0]).toBeCloseTo(kernel.updateRatio, 6);
    expect(Array.from(w.kernelHist[0][0]!.counts)).toEqual(kernel.hist.counts);
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
    // live and reopened runs go through the same path: the stores are identical
    for (const key of [activationsStore, gradientsStore, weightsStore]) expect(back.store(key as never)).toEqual(live.store(key as never));
    expect(back.store(activationsStore)!.steps.length).toBeGreaterThan(2);
  });

  it('a reload mid-run: the gap is reported, the replay fills it, and what was stored twice is stored once', async () => {
    const name = `test-${dbCount++}`;
    const first = new RunLibrary(new TrainscopeDB(name));
    const gaps: [string, number][] = [];
    first.onGap = (id, from) => gaps.push([id, from]);
    // the page stored the first third, then missed some (the reload), then got live events again;
    // the cut falls between a step and its collection, which the next page gets in the replay
    const a = events.findIndex((e, k) => k > events.length / 3 && e.type === 'collection'), b = Math.floor(events.length / 2);
    expect(events.findIndex((e) => e.type === 'step' && e.step === (events[a] as { step: number }).step)).toBeLessThan(a);
    first.ingest('test-run', events.slice(0, a));
    await first.flush();
    first.ingest('test-run', events.slice(b, b + 20));
    first.ingest('test-run', events.slice(b + 20, b + 40));
    expect(gaps).toEqual([['test-run', a]]); // once per gap, not once per batch
    await first.flush();
    expect((await first.list())[0].received).toBe(a);

    // the reloaded page: a new library on the same database asks for a replay from where it lacks
    const second = new RunLibrary(new TrainscopeDB(name));
    const from = await second.attach('test-run');
    expect(from).toBe(a);
    second.ingest('test-run', events.slice(from)); // the replay overlaps what was stored past the gap
    await second.flush();

    const whole = library();
    whole.ingest('test-run', events);
    await whole.flush();
    const [back, full] = [(await second.open('test-run'))!, (await whole.open('test-run'))!];
    expect(back.steps).toEqual(full.steps);
    expect(back.loss).toEqual(full.loss);
    expect(back.collectionSteps).toEqual(full.collectionSteps);
    expect(back.epochs).toEqual(full.epochs);
    expect(back.status).toBe('completed');
    const others = events.filter((e) => !['run-start', 'step', 'collection', 'predictions', 'samples'].includes(e.type)).length;
    expect(await second.db.events.count()).toBe(others);
    expect(await second.db.steps.count()).toBe(events.filter((e) => e.type === 'step').length);
    expect((await second.list())[0].received).toBe(events.length);
  });

  it('a run that ends past a gap stays stored until the replay fills it', async () => {
    const lib = library();
    const cut = Math.floor(events.length / 2);
    lib.ingest('test-run', events.slice(0, cut));
    lib.ingest('test-run', events.slice(cut + 10)); // ...then the end arrives live, past the gap
    await lib.flush();
    expect((await lib.list())[0]).toMatchObject({ status: 'completed', received: cut });
    lib.ingest('test-run', events.slice(cut)); // the replay, after the flush that stored the end
    await lib.flush();
    expect((await lib.list())[0].received).toBe(events.length);
    expect(await lib.db.steps.count()).toBe(events.filter((e) => e.type === 'step').length);
  });

  it('a run-end that arrives while a write is under way is written too (the run is not let go before)', async () => {
    const lib = library();
    const end = events.length - 1;
    expect(events[end].type).toBe('run-end');
    lib.ingest('test-run', events.slice(0, end));
    // the write has taken its snapshot and opens its transaction: the end comes now, before it is on disk
    const open = lib.db.transaction.bind(lib.db) as (...a: unknown[]) => unknown;
    let first = true;
    (lib.db as unknown as { transaction: (...a: unknown[]) => unknown }).transaction = (...a: unknown[]) => {
      if (first) { first = false; lib.ingest('test-run', events.slice(end)); }
      return open(...a);
    };
    await lib.flush();
    await lib.flush();
    const [run] = await lib.list();
    expect(run).toMatchObject({ status: 'completed', received: events.length });
    expect(run.end).not.toBeNull();
    expect(lib.isStoring('test-run')).toBe(false);
  });

  it('runs written before events had an index are never replayed (their events would be stored twice)', async () => {
    const lib = library();
    const legacy = events.slice(0, 40).map(({ i: _i, ...e }) => e as typeof events[number]);
    lib.ingest('old-run', legacy);
    await lib.flush();
    await lib.detach('old-run');
    expect((await lib.list()).map((r) => [r.id, r.received])).toEqual([['old-run', undefined]]);
    expect(await lib.unfinished()).toEqual([]);
  });

  it('a run the library never saw is stored whole from a replay from 0', async () => {
    const lib = library();
    lib.ingest('test-run', events.slice(40)); // live events of a run whose start this page never saw
    expect(await lib.attach('test-run')).toBe(0);
    lib.ingest('test-run', events);
    await lib.flush();
    expect((await lib.list())[0]).toMatchObject({ status: 'completed', received: events.length });
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
    expect(withC[0].c!.ids).toEqual(['activations', 'gradients', 'weights']);
  });

  it('a run without its end reads back as interrupted', async () => {
    const lib = library();
    const cut = events.findIndex((e) => e.type === 'epoch');
    const text = events.slice(0, cut).map((e) => JSON.stringify(e)).join('\n') + '\n{"v":1,"t":0,"ty';
    const { runId: id, skipped } = await lib.importLog(text);
    expect(skipped).toBe(1); // the torn line
    expect((await lib.open(id))!.status).toBe('interrupted');
    await expect(lib.importLog('{"v":1}\n')).rejects.toThrow(/no run-start event/);
  });

  it('an imported log with a damaged payload keeps the rest of the event and says what it left out', async () => {
    const lib = library();
    const text = events.map((e, i) => {
      if (e.type !== 'collection' || i !== events.findIndex((x) => x.type === 'collection')) return JSON.stringify(e);
      return JSON.stringify({ ...e, payloads: { ...e.payloads, gradients: { v: 1, data: { globalNorm: 1 } } } }); // no variables
    }).join('\n');
    const r = await lib.importLog(text);
    expect(r.skipped).toBe(0);
    expect(r.firstProblem).toMatch(/^line \d+: gradients: \w+: .*; left out$/);
    const back = (await lib.open(r.runId))!;
    expect(back.status).toBe('completed');
    const collections = events.filter((e) => e.type === 'collection').length;
    expect(back.store(activationsStore)!.steps).toHaveLength(collections);
    expect(back.store(gradientsStore)!.steps).toHaveLength(collections - 1);
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

  it('a superseded sweep attempt: a run cut off with its host ends as its folder now does (stored or live); one whose folder went, goes', async () => {
    const cut = events.findIndex((e) => e.type === 'run-end');
    const before = events.slice(0, cut); // an attempt cut off before its run-end
    const lastIndex = before.findLast((e) => e.i !== undefined)?.i ?? -1;
    const end = { v: 2, t: 9, i: lastIndex + 1, type: 'run-end', status: 'stopped', reason: 'superseded by attempt 2 (s-t001-b): this attempt was cut off before it ended', steps: 3, epochs: 1, durationMs: 9, final: { train: null, validation: null, test: null }, supersededBy: { attempt: 2, runId: 's-t001-b' } } as unknown as Extract<RunEvent, { type: 'run-end' }>;

    // stored, not live (the page reloaded since; the replay found no end): it was "running"
    const stored = library();
    stored.ingest('a1', before);
    await stored.detach('a1');
    expect((await stored.unfinished()).map((r) => r.id)).toEqual(['a1']);
    await stored.settleSuperseded('a1', end);
    expect(await stored.unfinished()).toEqual([]);
    const run = (await stored.list())[0];
    expect([run.status, run.end?.reason]).toEqual(['stopped', end.reason]);
    const opened = (await stored.open('a1'))!;
    expect(opened.end?.reason).toBe(end.reason);
    // settling twice (a second resume) stores the end once: it is keyed by its stream index
    await stored.settleSuperseded('a1', end);
    expect((await stored.db.events.where('runId').equals('a1').toArray()).filter((e) => e.event.type === 'run-end')).toHaveLength(1);

    // live (this page watched the attempt): the same
    const live = library();
    live.ingest('a2', before);
    await live.settleSuperseded('a2', end);
    await live.flush();
    expect((await live.list())[0]).toMatchObject({ status: 'stopped', end: { reason: end.reason } });

    // its folder removed (no epoch in it): the run goes from the library too; a run the library never had is no error
    await live.settleSuperseded('a2', null);
    expect(await live.list()).toEqual([]);
    expect(await live.db.events.count()).toBe(0);
    await live.settleSuperseded('never-seen', null);
    await live.settleSuperseded('never-seen', end);
    expect(await live.list()).toEqual([]);
  });
});
