// Gradient and weight statistics against a brute-force computation over the same numbers.
import { describe, expect, it } from 'vitest';
import { gradientStats } from '../../../main/engine/instruments/gradients/statistics.ts';
import { weightStats } from '../../../main/engine/instruments/weights/statistics.ts';
import { rng, normal } from '../../../main/engine/seed.ts';

const vars = [
  { name: 'dense_1/kernel', layer: 'dense_1', size: 60, weightOffset: 0 },
  { name: 'dense_1/bias', layer: 'dense_1', size: 6, weightOffset: 60 },
  // a non-trainable weight (batch-norm moving mean) sits between them in the all-weights layout
  { name: 'dense_2/kernel', layer: 'dense_2', size: 12, weightOffset: 70 },
];

function brute(a: number[]) {
  const norm = Math.sqrt(a.reduce((s, v) => s + v * v, 0));
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const std = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
  return { norm, mean, std, maxAbs: Math.max(...a.map(Math.abs)), zeroFrac: a.filter((v) => v === 0).length / a.length };
}

describe('gradient statistics', () => {
  it('per variable and global norms match brute force', () => {
    const g = normal(rng(11));
    const values = Float32Array.from({ length: 78 }, (_, i) => (i % 13 === 0 ? 0 : g()));
    const p = gradientStats(values, vars.map((v, i) => ({ ...v, weightOffset: i })), 10, null);
    let offset = 0, sq = 0;
    p.variables.forEach((s, i) => {
      const b = brute(Array.from(values.subarray(offset, offset + vars[i].size)));
      offset += vars[i].size;
      sq += b.norm ** 2;
      expect(s.variable).toBe(vars[i].name);
      expect(s.norm).toBeCloseTo(b.norm, 5);
      expect(s.mean).toBeCloseTo(b.mean, 6);
      expect(s.std).toBeCloseTo(b.std, 5);
      expect(s.maxAbs).toBeCloseTo(b.maxAbs, 6);
      expect(s.zeroFrac).toBeCloseTo(b.zeroFrac, 10);
    });
    expect(p.globalNorm).toBeCloseTo(Math.sqrt(sq), 5);
    expect(p.globalNormClipped).toBe(p.globalNorm);
    expect(gradientStats(values, vars, 10, 0.5).globalNormClipped).toBe(0.5);
  });

  it('a NaN gradient makes that variable\'s norm NaN and is counted', () => {
    const values = new Float32Array(78).fill(0.1);
    values[61] = NaN;
    const p = gradientStats(values, vars.map((v, i) => ({ ...v, weightOffset: i })), 10, null);
    expect(p.variables[1].nan).toBe(1);
    expect(p.variables[1].norm).toBeNaN();
    expect(p.variables[0].norm).toBeCloseTo(Math.sqrt(60 * 0.01), 5);
    expect(p.globalNorm).toBeNaN();
  });
});

describe('weight statistics', () => {
  it('reads each variable at its offset and computes |dW|/|W|', () => {
    const g = normal(rng(5));
    const before = Float32Array.from({ length: 82 }, () => g());
    const after = before.map((v, i) => (i < 60 ? v * 1.001 : i < 66 ? v : v + 0.01));
    const p = weightStats(before, after, vars, 8);
    const k = Array.from(after.subarray(0, 60));
    expect(p.variables[0].norm).toBeCloseTo(brute(k).norm, 4);
    expect(p.variables[0].updateRatio).toBeCloseTo(0.001, 5);
    expect(p.variables[1].updateRatio).toBe(0);
    const b2 = Array.from(before.subarray(70, 82));
    expect(p.variables[2].updateRatio).toBeCloseTo(Math.sqrt(12 * 0.01 ** 2) / brute(b2).norm, 4);
    expect(p.variables[2].mean).toBeCloseTo(brute(Array.from(after.subarray(70, 82))).mean, 6);
    expect(weightStats(new Float32Array(82), after, vars, 8).variables[0].updateRatio).toBeNull();
  });
});
