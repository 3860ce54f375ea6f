// Schema v4 adds a settings table for New run's draft: a v3 library opens under v4 with its runs
// as they were, and the draft survives closing and reopening the database (a reload).
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { DRAFT_KEY, TrainscopeDB } from '../../../renderer/src/store/db.ts';

async function writeV3(name: string) {
  const db = new Dexie(name);
  db.version(1).stores({ runs: 'id, createdAt', steps: '[runId+step]', events: '[runId+seq]' });
  db.version(2).stores({ predictions: '[runId+split+epoch], runId', samples: '[runId+split], runId', marks: '[runId+split+index], runId' });
  db.version(3);
  await db.open();
  await db.table('runs').put({ id: 'r1', name: 'r1', title: 'kept', createdAt: 1, status: 'completed', backend: 'cpu', start: null, end: null, best: {}, steps: 2 });
  await db.table('steps').bulkPut([{ runId: 'r1', step: 0, epoch: 0, loss: 2.3, lr: 0.001, t: 0 }, { runId: 'r1', step: 1, epoch: 0, loss: 2.1, lr: 0.001, t: 1 }]);
  db.close();
}

describe('run library v4: the New run draft', () => {
  it('opens a v3 library with its runs untouched, and no draft', async () => {
    await writeV3('v3-lib');
    const db = new TrainscopeDB('v3-lib');
    await db.open();
    expect(db.verno).toBe(4);
    expect((await db.runs.get('r1'))?.title).toBe('kept');
    expect(await db.steps.where('[runId+step]').between(['r1', Dexie.minKey], ['r1', Dexie.maxKey]).count()).toBe(2);
    expect(await db.loadDraft()).toBeNull();
    db.close();
  });

  it('keeps the draft across a reopen, and ignores a record it cannot read', async () => {
    const db = new TrainscopeDB('draft-lib');
    await db.saveDraft({ presetId: 'opened', text: '{ "name": "broken",' });
    db.close();
    const again = new TrainscopeDB('draft-lib');
    expect(await again.loadDraft()).toEqual({ presetId: 'opened', text: '{ "name": "broken",' });
    await again.settings.put({ key: DRAFT_KEY, value: { text: 3 }, t: 0 });
    expect(await again.loadDraft()).toBeNull();
    again.close();
  });
});
