// The collection's reductions in WebAssembly SIMD (main/engine/stats/kernels.wat) against the
// JavaScript loops they stand in for: the same range, zero count and histogram bin for every
// value, sums to float64 rounding; the JavaScript pass wherever a NaN or an infinity is present.
import { afterEach, describe, expect, it } from 'vitest';
import { compileStatsKernels } from '../../../scripts/build-wasm-kernels.ts';
import { STATS_KERNELS } from '../../../main/engine/stats/kernels-binary.ts';
import { statsKernelsAvailable, useStatsKernels } from '../../../main/engine/stats/stats-kernels.ts';
import { histogram, moments, relativeChange, summarize, summarizeWithNorm } from '../../../main/engine/stats/summarize.ts';
import { rng, normal } from '../../../main/engine/seed.ts';

afterEach(() => useStatsKernels(true));

/** The same call with the kernels and with the JavaScript loops. */
function both<T>(f: () => T): { simd: T; js: T } {
  useStatsKernels(true);
  const simd = f();
  useStatsKernels(false);
  const js = f();
  useStatsKernels(true);
  return { simd, js };
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-300, Math.abs(a), Math.abs(b));

function arrays(): { name: string; a: Float32Array }[] {
  const g = normal(rng(7));
  const out: { name: string; a: Float32Array }[] = [];
  for (const n of [64, 65, 66, 67, 1000, 4099, 235_146]) out.push({ name: `normal ${n}`, a: Float32Array.from({ length: n }, () => g() * 0.05) });
  // ReLU-like: half exact zeros, some -0
  out.push({ name: 'relu', a: Float32Array.from({ length: 5003 }, (_, i) => (i % 2 ? Math.max(0, g()) : i % 7 ? 0 : -0)) });
  // values on bin edges: integers 0..29 over 30 bins, each edge hit exactly
  out.push({ name: 'edges', a: Float32Array.from({ length: 3001 }, (_, i) => i % 31) });
  out.push({ name: 'large', a: Float32Array.from({ length: 999 }, () => g() * 5e37) });
  out.push({ name: 'tiny', a: Float32Array.from({ length: 777 }, () => g() * 1e-40) });
  out.push({ name: 'constant', a: new Float32Array(500).fill(0.25) });
  return out;
}

describe('statistics kernels', () => {
  it('the committed binary is stats/kernels.wat compiled (run `npm run wasm-kernels` after editing it)', async () => {
    expect(await compileStatsKernels()).toBe(STATS_KERNELS);
  });

  it('run here (WebAssembly SIMD in Node)', () => {
    expect(statsKernelsAvailable()).toBe(true);
  });

  it('moments: the same range and zeros, sums to float64 rounding, on whole arrays and on unaligned sub-ranges', () => {
    for (const { name, a } of arrays()) {
      for (const [start, end] of [[0, a.length], [1, a.length], [3, a.length - 2], [5, Math.min(a.length, 5 + 70)]]) {
        const { simd, js } = both(() => moments(a, start, end));
        const where = `${name} [${start}, ${end})`;
        expect([simd.n, simd.nan, simd.inf, simd.zeros, simd.min, simd.max], where).toEqual([js.n, js.nan, js.inf, js.zeros, js.min, js.max]);
        expect(rel(simd.sum, js.sum) < 1e-9 || Math.abs(simd.sum - js.sum) < 1e-9 * js.sumSq ** 0.5 * (end - start) ** 0.5, `${where} sum ${simd.sum} ${js.sum}`).toBe(true);
        expect(rel(simd.sumSq, js.sumSq), `${where} sumSq`).toBeLessThan(1e-12);
      }
    }
  });

  it('histograms: every value in the same bin as the JavaScript loop, for 2 to 256 bins', () => {
    for (const { name, a } of arrays()) {
      for (const bins of [2, 7, 30, 256]) {
        const { simd, js } = both(() => summarize(a, 0, a.length, bins));
        expect(simd.hist, `${name}, ${bins} bins`).toEqual(js.hist);
        expect(simd.hist.counts.reduce((x, y) => x + y, 0)).toBe(a.length);
      }
    }
  });

  it('a NaN or an infinity anywhere (also in the last n % 4): the pass that counts them and leaves them out', () => {
    const g = normal(rng(3));
    for (const at of [0, 17, 1001, 1002]) {
      for (const bad of [NaN, Infinity, -Infinity]) {
        const a = Float32Array.from({ length: 1003 }, () => g());
        a[at] = bad;
        const { simd, js } = both(() => summarizeWithNorm(a, 0, a.length, 30));
        expect(simd, `${bad} at ${at}`).toEqual(js);
        expect(simd.nan + simd.inf).toBe(1);
        expect(simd.norm).toBeNaN();
        expect(simd.hist.counts.reduce((x, y) => x + y, 0)).toBe(1002);
      }
    }
  });

  it('relative change |b - a| / |a|, and null for a zero a', () => {
    const g = normal(rng(5));
    for (const n of [64, 67, 10_001]) {
      const a = Float32Array.from({ length: n }, () => g());
      const b = a.map((v) => v + g() * 1e-3);
      for (const [start, end] of [[0, n], [3, n - 1]]) {
        const { simd, js } = both(() => relativeChange(a, b, start, end)!);
        expect(rel(simd, js)).toBeLessThan(1e-12);
      }
    }
    expect(relativeChange(new Float32Array(100), new Float32Array(100).fill(1), 0, 100)).toBeNull();
  });

  it('leave what they cannot take to the JavaScript loops: float64 and plain arrays, short ranges', () => {
    const g = normal(rng(9));
    const f64 = Float64Array.from({ length: 1000 }, () => g() * 1e-3 + 1);
    const f32 = Float32Array.from(f64);
    // (float64 values staged as float32 would lose their low bits: the mean of 1 + small noise shows it)
    expect(summarize(f64, 0, 1000, 10)).toEqual(both(() => summarize(f64, 0, 1000, 10)).js);
    expect(summarize(Array.from(f64), 0, 1000, 10)).toEqual(summarize(f64, 0, 1000, 10));
    expect(summarize(f32, 0, 10, 5)).toEqual(both(() => summarize(f32, 0, 10, 5)).js);
    expect(histogram(f32, 0, 1000, -1, 3, 8).counts.reduce((x, y) => x + y, 0)).toBe(1000);
  });

  it('grow their memory for a range larger than it, and keep working after', () => {
    const g = normal(rng(11));
    const big = Float32Array.from({ length: 3_000_000 }, () => g());
    const { simd, js } = both(() => summarizeWithNorm(big, 0, big.length, 30));
    expect(simd.hist).toEqual(js.hist);
    expect(rel(simd.norm, js.norm)).toBeLessThan(1e-12);
    const small = Float32Array.from({ length: 100 }, () => g());
    const again = both(() => summarize(small, 0, 100, 30));
    expect(again.simd.hist).toEqual(again.js.hist);
  });
});
