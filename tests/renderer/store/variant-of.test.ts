// A fix trial's run (and a run started from an adopted variant) is linked to its original in the
// run library: announced before its start event arrives, or after its row exists.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../shared/events.ts';
import { RunLibrary } from '../../../renderer/src/store/library.ts';
import { TrainscopeDB } from '../../../renderer/src/store/db.ts';

const start = (runId: string) => ({
  v: 2, t: 1, type: 'run-start', runId, spec: { name: runId, instruments: { histogramBins: 4 } }, backend: { name: 'cpu' },
  model: { layers: [], totalParams: 0, trainableParams: 0 }, stepsPerEpoch: 1, totalSteps: 1,
}) as unknown as RunEvent;

describe('variants in the run library', () => {
  it('keeps the link announced before the run started, and one set on a stored run; both survive reopening the database', async () => {
    const name = `variants-${Math.random()}`;
    const lib = new RunLibrary(new TrainscopeDB(name));
    await lib.setVariantOf('v1', { runId: 'orig', fix: 'lower_lr' });
    lib.ingest('v1', [start('v1')]);
    lib.ingest('v2', [start('v2')]);
    await lib.flush();
    await lib.setVariantOf('v2', { runId: 'orig', fix: 'he_init' });
    lib.ingest('v2', [{ v: 2, t: 2, type: 'status', status: 'running' } as unknown as RunEvent]);
    await lib.flush(); // a later write of the live row keeps the link
    lib.db.close();
    const again = new TrainscopeDB(name);
    expect((await again.runs.get('v1'))?.variantOf).toEqual({ runId: 'orig', fix: 'lower_lr' });
    expect((await again.runs.get('v2'))?.variantOf).toEqual({ runId: 'orig', fix: 'he_init' });
    again.close();
  });
});
