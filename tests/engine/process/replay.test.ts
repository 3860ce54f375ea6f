// Replaying a run to a renderer that missed part of it: the folder's log joined with what the
// engine streamed but had not written yet, event for event as the live stream carried them.
import { describe, expect, it } from 'vitest';
import { EngineSupervisor } from '../../../main/engine/process/supervisor.ts';
import { forkEngine } from '../../../main/server/fork-engine.ts';
import { joinTail, runFolderOf, Tail } from '../../../main/engine/process/replay.ts';
import { parseCommand, type HostMessage } from '../../../shared/host.ts';
import type { RunEvent } from '../../../shared/events.ts';
import { tmp } from '../../helpers.ts';

const spec = {
  name: 'replayed', data: { train: { type: 'synthetic', name: 'moons', samples: 600 } },
  model: { layers: [{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 2, activation: 'softmax' }] },
  training: { epochs: 6, batchSize: 8 }, instruments: { every: 5 },
};

/** A replay's chunks, collected until the one marked done. */
function replay(sup: EngineSupervisor, runId: string, from: number): Promise<{ events: RunEvent[]; chunks: number; error?: string }> {
  return new Promise((resolve) => {
    const events: RunEvent[] = [];
    let chunks = 0;
    sup.command({ type: 'replay', runId, from }, (m: HostMessage) => {
      if (m.type !== 'replay') return;
      chunks++;
      events.push(...m.events);
      if (m.done) resolve({ events, chunks, ...(m.error ? { error: m.error } : {}) });
    });
  });
}

const indices = (events: RunEvent[]) => events.map((e) => e.i);
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, k) => a + k);

describe('replay', () => {
  it('mid-run and after the end: every index once, in order, equal to what was streamed', async () => {
    const sup = new EngineSupervisor({ spawn: forkEngine, runsDir: tmp(), baseDir: '.' });
    const streamed: RunEvent[] = [];
    let runId = '';
    sup.subscribe((m) => {
      if (m.type === 'started') runId = m.runId;
      if (m.type === 'events') streamed.push(...m.events);
    });
    sup.start({ type: 'start', spec });
    await expect.poll(() => streamed.filter((e) => e.type === 'step').length, { timeout: 60_000 }).toBeGreaterThan(40);

    // Mid-run: everything streamed so far is in the replay, though the log lags up to a second.
    const seen = streamed.length;
    const mid = await replay(sup, runId, 7);
    expect(indices(mid.events)).toEqual(range(7, 7 + mid.events.length));
    expect(7 + mid.events.length).toBeGreaterThanOrEqual(seen);

    await expect.poll(() => streamed.some((e) => e.type === 'run-end'), { timeout: 120_000 }).toBe(true);
    await expect.poll(() => sup.state.state).toBe('idle');
    // (the log may run ahead of the stream, which is batched: those events came live afterwards)
    for (const e of mid.events) expect(e).toEqual(streamed[e.i!]);
    const all = await replay(sup, runId, 0);
    expect(indices(all.events)).toEqual(range(0, streamed.length));
    expect(all.events).toEqual(streamed);
    expect(all.chunks).toBe(Math.ceil(streamed.length / 500));
    expect(streamed.length).toBeGreaterThan(500); // (so the chunking above is exercised)
    sup.dispose();
  }, 180_000);

  it('a run that is not in the runs folder is answered done, with the reason; a path is refused before it gets there', async () => {
    const runsDir = tmp();
    const sup = new EngineSupervisor({ spawn: forkEngine, runsDir, baseDir: '.' });
    const r = await replay(sup, 'no-such-run', 0);
    expect(r).toMatchObject({ events: [], error: expect.stringContaining(`no-such-run: no such run folder in ${runsDir}`) });
    for (const runId of ['../etc', 'a/b', '..']) {
      if (runId === '..') expect(runFolderOf(runsDir, runId)).toBeNull();
      else expect(parseCommand({ type: 'replay', runId, from: 0 }).ok).toBe(false);
    }
    expect(parseCommand({ type: 'replay', runId: 'x', from: -1 }).ok).toBe(false);
    sup.dispose();
  });

  it('the tail keeps only what the log does not hold yet, and joins it without a gap or a repeat', () => {
    const ev = (i: number) => ({ v: 2, t: 0, i, type: 'step', step: i, epoch: 0, loss: 1, lr: 0.1 }) as RunEvent;
    const tail = new Tail();
    tail.reset('r', '/x');
    tail.add([0, 1, 2, 3].map(ev));
    tail.add([4, 5].map(ev), 3); // 0..2 are on disk now
    expect(indices(tail.snapshot())).toEqual([3, 4, 5]);
    // the log was read a moment later and already holds 3 and 4
    expect(indices(joinTail([1, 2, 3, 4].map(ev), tail.snapshot(), 1))).toEqual([1, 2, 3, 4, 5]);
    // a replay from past the log's end takes from the tail only what it asks for
    expect(indices(joinTail([], tail.snapshot(), 5))).toEqual([5]);
  });
});
