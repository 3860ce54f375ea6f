import { describe, expect, it } from 'vitest';
import { moments, summarize, sampleUnits, l2norm, l2diff } from '../../../main/engine/stats/summarize.ts';
import { rng, normal } from '../../../main/engine/seed.ts';
import { useStatsKernels } from '../../../main/engine/stats/stats-kernels.ts';

function brute(a: number[]) {
  const f = a.filter(Number.isFinite);
  const mean = f.reduce((x, y) => x + y, 0) / f.length;
  const std = Math.sqrt(f.reduce((x, y) => x + (y - mean) ** 2, 0) / f.length);
  return { mean, std, min: Math.min(...f), max: Math.max(...f) };
}

describe('summarize', () => {
  it('matches a brute-force computation, counting NaN and Inf apart', () => {
    const g = normal(rng(4));
    const a = Array.from({ length: 5000 }, () => g() * 3 + 1);
    a[10] = NaN; a[20] = Infinity; a[30] = -Infinity; a[40] = 0; a[41] = 0;
    const s = summarize(Float32Array.from(a), 0, a.length, 20);
    const b = brute(Array.from(Float32Array.from(a)));
    expect(s.mean).toBeCloseTo(b.mean, 4);
    expect(s.std).toBeCloseTo(b.std, 4);
    expect(s.min).toBe(b.min);
    expect(s.max).toBe(b.max);
    expect(s.nan).toBe(1);
    expect(s.inf).toBe(2);
    expect(s.zeroFrac).toBeCloseTo(2 / 5000, 10);
    expect(s.hist.counts.reduce((x, y) => x + y, 0)).toBe(4997);
    // each value lands in the bin that brute force puts it in
    const w = (s.hist.hi - s.hist.lo) / 20;
    const counts = new Array(20).fill(0);
    for (const v of Float32Array.from(a)) if (Number.isFinite(v)) counts[Math.min(19, Math.floor((v - s.hist.lo) / w))]++;
    expect(s.hist.counts).toEqual(counts);
  });

  it('gives the same moments on the all-finite fast pass as on the pass that skips non-finite values', () => {
    const g = normal(rng(5));
    const a = Float32Array.from({ length: 3000 }, (_, i) => (i % 97 === 0 ? 0 : g() * 2 - 0.5));
    // (the JavaScript loops, to the last bit: the SIMD kernels add in another order, stats-kernels.test.ts)
    useStatsKernels(false);
    const fast = moments(a, 0, a.length);
    useStatsKernels(true);
    const withNaN = Float32Array.from([...a, NaN]);
    const skipped = moments(withNaN, 0, withNaN.length); // the NaN sends it down the careful pass
    expect({ ...fast }).toEqual({ ...skipped, nan: 0 });
    expect(fast.zeros).toBe(31);
    // a lone infinity, or only non-finite values: counted, left out of the range and the sums
    expect(moments([1, Infinity, 3], 0, 3)).toMatchObject({ n: 2, inf: 1, nan: 0, min: 1, max: 3, sum: 4 });
    expect(moments([NaN, -Infinity], 0, 2)).toMatchObject({ n: 0, inf: 1, nan: 1, min: 0, max: 0, sum: 0 });
  });

  it('every finite value lands in a bin, the maximum too (its scaled offset can round to just above the bin count)', () => {
    const g = normal(rng(3));
    for (const kernels of [false, true]) {
      useStatsKernels(kernels);
      let dropped = 0;
      for (let k = 0; k < 200; k++) {
        const a = Float32Array.from({ length: 1003 }, () => g());
        dropped += 1003 - summarize(a, 0, a.length, 30).hist.counts.reduce((x, y) => x + y, 0);
      }
      expect(dropped, kernels ? 'SIMD' : 'JavaScript').toBe(0);
    }
    useStatsKernels(true);
  });

  it('works on a sub-range and on constant data', () => {
    const s = summarize([9, 9, 2, 2, 2, 9], 2, 5, 4);
    expect(s).toMatchObject({ count: 3, mean: 2, std: 0, min: 2, max: 2 });
    expect(s.hist.counts).toEqual([3, 0, 0, 0]);
  });

  it('norms and evenly spaced unit samples', () => {
    expect(l2norm([3, 4, 12], 0, 2)).toBe(5);
    expect(l2diff([1, 1], [4, 5], 0, 2)).toBe(5);
    expect(sampleUnits(5, 10)).toEqual([0, 1, 2, 3, 4]);
    const s = sampleUnits(1000, 256);
    expect(s).toHaveLength(256);
    expect(s[0]).toBe(0);
    expect(new Set(s).size).toBe(256);
    expect(s[255]).toBeLessThan(1000);
  });
});
