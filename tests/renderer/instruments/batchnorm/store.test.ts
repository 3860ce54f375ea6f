// The batch-norm store: the numbers of a real run (dense -> BN, trained on the cpu backend) packed
// and added give what the payloads say; live events and the same run reopened from the run library
// (fake-indexeddb) give the same store, fold checks included (they come as `instrument` events,
// through addRecord), and so does the run's log imported; collections and fold checks arriving out of order are kept in step order.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../../shared/events.ts';
import { batchnorm, type BatchNormLayerStats } from '../../../../shared/instruments/batchnorm/definition.ts';
import { Trainer } from '../../../../main/engine/train/trainer.ts';
import { RunData } from '../../../../renderer/src/lib/run-data.ts';
import { RunLibrary } from '../../../../renderer/src/store/library.ts';
import { TrainscopeDB } from '../../../../renderer/src/store/db.ts';
import { packCollection } from '../../../../renderer/src/instruments/framework/payloads.ts';
import { layoutOf } from '../../../../renderer/src/instruments/framework/layout.ts';
import { addFold, batchnormStore, CHANNEL, latestFolds, SUMMARY } from '../../../../renderer/src/instruments/batchnorm/store.ts';
import { ofType, payload, spec } from '../../../helpers.ts';

let events: RunEvent[];
beforeAll(async () => {
  const s = spec(JSON.parse(readFileSync(join(__dirname, '../../../fixtures/batchnorm/dense-bn.json'), 'utf8')));
  const trainer = new Trainer({ spec: { ...s, training: { ...s.training, epochs: 2 } }, baseDir: '.', backend: 'cpu' });
  events = [];
  trainer.on((e) => events.push(e));
  await trainer.run({ runId: 'bn-run' });
});

const start = () => ofType(events, 'run-start')[0];

describe('batchnorm store', () => {
  it('packs each collection into one block per BN layer; adding it gives what the payload says (float32 precision)', () => {
    const c = ofType(events, 'collection').at(-1)!;
    const { packed, problems } = packCollection(c, layoutOf(start()));
    expect(problems).toEqual([]);
    expect(packed.ids).toContain('batchnorm');
    const run = new RunData('r');
    run.ingest([start()]);
    run.addPacked(c.step, packed);
    const s = run.store(batchnormStore)!;
    expect(s.steps).toEqual([c.step]);
    expect(s.layers.map((l) => [l.info.name, l.layerIndex])).toEqual([['bn1', 1], ['bn2', 4]]);
    payload(c, batchnorm).layers.forEach((want: BatchNormLayerStats, i) => {
      const got = s.layers[i];
      for (const k of SUMMARY) expect(got.summary[k][0], k).toBeCloseTo(want[k], 5);
      for (const k of CHANNEL) {
        expect(got.channels[k][0]).toBeInstanceOf(Float32Array);
        expect(Array.from(got.channels[k][0]), k).toEqual(Array.from(Float32Array.from(want[k])));
      }
    });
  });

  it('live events and the run reopened from the library give the same store, fold checks included', async () => {
    const lib = new RunLibrary(new TrainscopeDB('bn-test'));
    const live = new RunData('bn-run');
    for (let i = 0; i < events.length; i += 5) {
      lib.ingest('bn-run', events.slice(i, i + 5));
      live.ingest(events.slice(i, i + 5));
    }
    await lib.flush();
    const back = (await lib.open('bn-run'))!;
    const a = live.store(batchnormStore)!, b = back.store(batchnormStore)!;
    expect(a.steps).toEqual(ofType(events, 'collection').map((c) => c.step));
    expect(a.folds.map((f) => [f.epoch, f.final])).toEqual([[0, false], [1, false], [1, true]]);
    expect(a.folds[0].layers[0]).toMatchObject({ layer: 'bn1', into: 'fc1', foldable: true });
    expect(a.folds[0].layers[1].maxAbsErr).toBeNaN(); // not foldable: NaN, as the log's null reads back
    expect(b).toEqual(a);
    // and a run folder's log imported (JSON: NaN written as null)
    const imported = new RunLibrary(new TrainscopeDB('bn-import'));
    const { runId } = await imported.importLog(events.map((e) => JSON.stringify(e)).join('\n'));
    const c = (await imported.open(runId))!;
    expect(c.store(batchnormStore)).toEqual(a);
    expect([live.warnings, back.warnings, c.warnings]).toEqual([[], [], []]);
  });

  it('collections and fold checks arriving out of order are kept in step order; the final check follows its epoch\'s', () => {
    const cs = ofType(events, 'collection');
    const run = new RunData('r');
    run.ingest([start(), cs[2], cs[0], cs[1]]);
    const s = run.store(batchnormStore)!;
    expect(s.steps).toEqual([cs[0].step, cs[1].step, cs[2].step]);
    expect(s.layers[0].summary.meanShift[0]).toBeCloseTo(payload(cs[0], batchnorm).layers[0].meanShift, 5);
    const rec = (final: boolean, err: number) => ({ kind: 'fold', final, layers: [{ layer: 'bn1', into: 'fc1', foldable: true, maxAbsErr: err, maxAbsOut: 1 }] });
    addFold(s, 20, 1, rec(true, 3));
    addFold(s, 20, 1, rec(false, 2));
    addFold(s, 10, 0, rec(false, 1));
    addFold(s, 10, 0, { kind: 'something else' });
    expect(s.folds.map((f) => [f.step, f.final, f.layers[0].maxAbsErr])).toEqual([[10, false, 1], [20, false, 2], [20, true, 3]]);
    expect(latestFolds(s)).toEqual([expect.objectContaining({ layer: 'bn1', maxAbsErr: 3, final: true, step: 20 })]);
  });

  it('a fold record of a newer format is reported, not misread', () => {
    const run = new RunData('r');
    run.ingest([start(), { v: 2, t: 0, type: 'instrument', instrument: 'batchnorm', step: 3, epoch: 0, payload: { v: batchnorm.version + 1, data: {} } }]);
    expect(run.store(batchnormStore)!.folds).toEqual([]);
    expect(run.warnings).toEqual([expect.stringMatching(/batchnorm: .*newer/)]);
  });
});
