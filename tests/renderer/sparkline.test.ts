// A finding's per-layer sparkline: the path, the threshold inside the axis, a log axis for numbers
// that span decades, gaps where a value is not finite.
import { describe, expect, it } from 'vitest';
import { sparkline } from '../../renderer/src/diagnosis/sparkline.ts';

const pct = { format: 'pct' as const, threshold: 0.4 };
const num = { format: 'num' as const, threshold: 1e-3 };

describe('sparkline', () => {
  it('one segment per point, the threshold inside the axis, the last point marked', () => {
    const s = sparkline([0.1, 0.3, 0.5], [0, 5, 10], pct, 100, 20, 0);
    expect(s.path).toBe('M0.0,16.5L50.0,9.6L100.0,2.6'); // axis 0..0.575 (1.15 x the largest)
    expect(s.thresholdY).toBeCloseTo(20 - (0.4 / 0.575) * 20, 5);
    expect(s.last).toEqual({ x: 100, y: expect.closeTo(2.609, 2) });
    expect(s.log).toBe(false);
    expect(s.badZone).toBeNull(); // which side is bad is not known without `better`
    expect(sparkline([0.1, 0.5], [0, 5], { ...pct, better: 'low' }, 100, 20, 0).badZone).toEqual({ y: 0, height: s.thresholdY });
    expect(sparkline([1e-5, 1e-1], [0, 5], { ...num, better: 'high' }, 100, 20, 0).badZone).toEqual({ y: expect.closeTo(10, 6), height: expect.closeTo(10, 6) }); // log axis: 1e-3 halfway;
  });

  it('a threshold far above every value stays on the chart; a share never goes past 100%', () => {
    const s = sparkline([0.01, 0.02], [0, 5], { format: 'pct', threshold: 0.9 }, 100, 20, 0);
    expect(s.thresholdY).toBeGreaterThanOrEqual(0);
    expect(sparkline([1, 1], [0, 5], pct, 100, 20, 0).thresholdY).toBeCloseTo(12, 5); // 0..100%
  });

  it('numbers across decades get a log axis; NaN and Infinity break the line and are marked', () => {
    const s = sparkline([0.5, 1e-2, NaN, 1e-6], [0, 5, 10, 15], num, 90, 20, 0);
    expect(s.log).toBe(true);
    expect(s.path.match(/M/g)).toHaveLength(2);
    expect(s.nonFinite).toEqual([60]);
  });

  it('a single point still shows; no values, no line', () => {
    expect(sparkline([0.5], [3], pct, 100, 20).path).toMatch(/^M[\d.]+,[\d.]+h0\.01$/);
    expect(sparkline([], [], null, 100, 20)).toMatchObject({ path: '', last: null, thresholdY: null });
  });
});
