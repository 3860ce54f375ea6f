// The collection hook collects what the active instruments need and nothing else; a switched-off
// instrument costs nothing and the checks that need it are skipped. Run folders written by
// protocol 1 read back as payloads.
import { describe, expect, it } from 'vitest';
import { acts, ofType, tinySpec, trainAll, wts } from '../../../helpers.ts';
import { parseEvent, PROTOCOL_VERSION } from '../../../../shared/events.ts';

describe('collections', () => {
  it('carry one payload per active instrument, none for a switched-off one', async () => {
    const s = tinySpec({ training: { epochs: 1, batchSize: 32 }, instruments: { every: 2, gradients: { enabled: false } } });
    const { events } = await trainAll(s);
    const cs = ofType(events, 'collection');
    expect(cs.length).toBeGreaterThan(2);
    for (const c of cs) expect(Object.keys(c.payloads)).toEqual(['activations', 'weights']);
    expect(acts(cs[1]).layers).toHaveLength(3);
    expect(wts(cs[1]).variables).toHaveLength(6);
    expect(Object.keys(ofType(events, 'init')[0].payloads)).toEqual(['activations']);
    expect(ofType(events, 'warning')).toEqual([]);
    expect(ofType(events, 'run-end')[0].status).toBe('completed');
  });

  it('with every collection instrument off there are no collections, and training is unchanged', async () => {
    const off = { activations: { enabled: false }, gradients: { enabled: false }, weights: { enabled: false } };
    const a = await trainAll(tinySpec({ training: { epochs: 1 }, instruments: { every: 1, ...off } }));
    const b = await trainAll(tinySpec({ training: { epochs: 1 }, instruments: { every: 1 } }));
    expect(ofType(a.events, 'collection')).toEqual([]);
    expect(ofType(a.events, 'step').map((e) => e.loss)).toEqual(ofType(b.events, 'step').map((e) => e.loss));
  });

  it('a protocol-1 collection reads back as payloads of version 1', () => {
    const v1 = { v: 1, t: 0, type: 'collection', step: 4, epoch: 0, costMs: 1, activations: { layers: [] }, gradients: { globalNorm: 1, globalNormClipped: 1, variables: [] }, weights: { variables: [] } };
    const r = parseEvent(v1);
    expect(r.ok && r.event).toMatchObject({ type: 'collection', step: 4, payloads: { activations: { v: 1, data: { layers: [] } }, gradients: { v: 1, data: { globalNorm: 1 } }, weights: { v: 1 } } });
    expect(parseEvent({ ...v1, v: PROTOCOL_VERSION + 1 })).toEqual({ ok: false, error: expect.stringMatching(/newer than this Trainscope/) });
  });
});
