// A run's creation time in the runs list, in local time as people say it.
import { describe, expect, it } from 'vitest';
import { formatRunTime } from '../../../../renderer/src/views/library/run-time.ts';

const at = (y: number, m: number, d: number, h: number, min: number) => new Date(y, m - 1, d, h, min).getTime();
const now = at(2026, 12, 3, 10, 30);

describe('formatRunTime', () => {
  it('today and yesterday by name, with the clock', () => {
    expect(formatRunTime(at(2026, 12, 3, 14, 3), now)).toBe('today 14:03');
    expect(formatRunTime(at(2026, 12, 3, 0, 0), now)).toBe('today 00:00');
    expect(formatRunTime(at(2026, 12, 2, 23, 59), now)).toBe('yesterday 23:59');
  });
  it('older days of this year as day and month; other years with the year', () => {
    expect(formatRunTime(at(2026, 12, 1, 9, 12), now)).toBe('1 Dec 09:12');
    expect(formatRunTime(at(2026, 1, 15, 18, 5), now)).toBe('15 Jan 18:05');
    expect(formatRunTime(at(2025, 12, 2, 9, 12), now)).toBe('2 Dec 2025 09:12');
  });
  it('yesterday across a new year', () => {
    expect(formatRunTime(at(2025, 12, 31, 22, 0), at(2026, 1, 1, 8, 0))).toBe('yesterday 22:00');
  });
});
