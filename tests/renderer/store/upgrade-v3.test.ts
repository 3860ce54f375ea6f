// A run library of schema v2 (collections in one fixed struct, protocol-1 events) opens under v3
// with every instrument's numbers repacked by the instrument, and reads back as it was recorded.
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import type { RunEvent, RunStartEvent } from '../../../shared/events.ts';
import { TrainscopeDB } from '../../../renderer/src/store/db.ts';
import { RunLibrary } from '../../../renderer/src/store/library.ts';
import { RunData } from '../../../renderer/src/lib/run-data.ts';
import { activationsStore } from '../../../renderer/src/instruments/activations/store.ts';
import { gradientsStore } from '../../../renderer/src/instruments/gradients/store.ts';
import { weightsStore } from '../../../renderer/src/instruments/weights/store.ts';
import { acts, grads, wts } from '../../helpers.ts';
import { recordRun } from '../run-events.ts';
import { packV2 } from './v2-fixture.ts';

let events: RunEvent[];
beforeAll(async () => { events = await recordRun(); });

/** Writes `events` the way the v2 app did: a v2 database, v1 events, v2-packed collections. */
async function writeV2(name: string) {
  const db = new Dexie(name);
  db.version(1).stores({ runs: 'id, createdAt', steps: '[runId+step]', events: '[runId+seq]' });
  db.version(2).stores({ predictions: '[runId+split+epoch], runId', samples: '[runId+split], runId', marks: '[runId+split+index], runId' });
  const v1 = (e: RunEvent) => ({ ...e, v: 1 }) as Record<string, unknown>;
  const start = v1(events.find((e) => e.type === 'run-start')!) as unknown as RunStartEvent;
  const bins = start.spec.instruments.histogramBins;
  const steps = new Map<number, Record<string, unknown>>();
  for (const e of events) {
    if (e.type === 'step') steps.set(e.step, { ...(steps.get(e.step) ?? {}), runId: 'old', step: e.step, epoch: e.epoch, loss: e.loss, lr: e.lr, t: e.t });
    if (e.type === 'collection') {
      const c = packV2({ epoch: e.epoch, costMs: e.costMs, activations: acts(e), gradients: grads(e), weights: wts(e) }, bins);
      steps.set(e.step, { ...(steps.get(e.step) ?? {}), c });
    }
  }
  // a protocol-1 finding names the app view its evidence is in
  const finding = { v: 1, t: 0, type: 'finding', finding: { id: 'dead_units:dense_2', kind: 'dead_units', severity: 'warning', title: 'dense_2: 50% of units dead', layers: ['dense_2'], step: 3, epoch: 0, evidence: [], explanation: '', remedies: [], view: 'saturation' } };
  const others = [...events.filter((e) => !['run-start', 'step', 'collection', 'predictions', 'samples', 'finding'].includes(e.type)).map(v1), finding]
    .map((event, seq) => ({ runId: 'old', seq, event }));
  await db.table('runs').put({ id: 'old', name: 'old', title: 'old', createdAt: 0, status: 'completed', backend: 'cpu', start, end: null, best: {}, steps: steps.size });
  await db.table('steps').bulkPut([...steps.values()]);
  await db.table('events').bulkPut(others);
  db.close();
}

describe('run library schema v3', () => {
  it('repacks v2 collections and upgrades protocol-1 events on open', async () => {
    await writeV2('upgrade-v3');
    const lib = new RunLibrary(new TrainscopeDB('upgrade-v3'));
    const back = (await lib.open('old'))!;
    const live = new RunData('old');
    live.ingest(events);
    expect(back.collectionSteps).toEqual(live.collectionSteps);
    expect(back.warnings).toEqual([]);
    const a = back.store(activationsStore)!, la = live.store(activationsStore)!;
    expect(a.steps).toEqual(la.steps);
    a.layers.forEach((s, i) => {
      s.saturatedFrac.forEach((v, k) => expect(v).toBeCloseTo(la.layers[i].saturatedFrac[k], 5));
      expect(s.unitDead.map((u) => Array.from(u))).toEqual(la.layers[i].unitDead.map((u) => Array.from(u)));
    });
    back.store(gradientsStore)!.layerNorm.forEach((col, i) => col.forEach((v, k) => expect(v).toBeCloseTo(live.store(gradientsStore)!.layerNorm[i][k], 4)));
    const w = back.store(weightsStore)!, lw = live.store(weightsStore)!;
    expect(w.kernelHist.map((c) => c.map((h) => (h ? Array.from(h.counts) : null)))).toEqual(lw.kernelHist.map((c) => c.map((h) => (h ? Array.from(h.counts) : null))));
    // protocol-1 findings named the view; upgraded, they name the instrument whose numbers show them
    expect(back.findings.map((f) => [f.id, f.source])).toEqual([['dead_units:dense_2', 'activations']]);
    const rec = await lib.db.steps.where('[runId+step]').between(['old', -Infinity], ['old', Infinity]).filter((s) => !!s.c).first();
    expect(rec!.c!.ids).toEqual(['activations', 'gradients', 'weights']);
  });

  it('a damaged record (a run without its start, an empty event) does not make the library unopenable', async () => {
    await writeV2('upgrade-v3-damaged');
    const db = new Dexie('upgrade-v3-damaged');
    db.version(2).stores({ runs: 'id, createdAt', steps: '[runId+step]', events: '[runId+seq]', predictions: '[runId+split+epoch], runId', samples: '[runId+split], runId', marks: '[runId+split+index], runId' });
    await db.table('runs').put({ id: 'broken', name: 'broken', title: 'broken', createdAt: 1, status: 'running', backend: 'cpu', end: null, best: {}, steps: 1 });
    await db.table('steps').put({ runId: 'broken', step: 0, epoch: 0, loss: 1, lr: 0.1, t: 0, c: { epoch: 0, costMs: 0, f: new Float32Array(3), dead: new Uint8Array(0), globalNorm: 1, globalNormClipped: 1 } });
    await db.table('events').put({ runId: 'old', seq: 999, event: null });
    db.close();
    const lib = new RunLibrary(new TrainscopeDB('upgrade-v3-damaged'));
    expect((await lib.list()).map((r) => r.id).sort()).toEqual(['broken', 'old']);
    const back = (await lib.open('old'))!;
    expect(back.store(activationsStore)!.steps.length).toBeGreaterThan(0);
    expect((await lib.db.steps.get(['broken', 0]))!.c).toBeUndefined(); // nothing to read it against: its loss stays
  });
});
