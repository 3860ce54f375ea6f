import { describe, expect, it } from 'vitest';
import { Received } from '../../renderer/src/lib/received.ts';

describe('received stream indices', () => {
  it('takes each index once, in any order, and knows the first one missing', () => {
    const r = new Received();
    expect([0, 1, 4, 5].map((i) => r.take(i))).toEqual([true, true, true, true]);
    expect(r).toMatchObject({ next: 2, gap: true });
    expect([1, 4, 2, 3, 3].map((i) => r.take(i))).toEqual([false, false, true, true, false]);
    expect(r).toMatchObject({ next: 6, gap: false });
    expect(r.take(undefined)).toBe(true); // an event of an older log has no index: never a duplicate
    expect(new Received(10).take(9)).toBe(false);
  });
});
