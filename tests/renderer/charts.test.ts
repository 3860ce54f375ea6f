// Chart geometry and the heatmap raster, without a DOM.
import { describe, expect, it } from 'vitest';
import { domains, nearest, scales, segments, frame, formatValue } from '../../renderer/src/charts/line-model.ts';
import { colorTable, rasterize } from '../../renderer/src/charts/heatmap-model.ts';
import { smooth } from '../../renderer/src/lib/run-data.ts';

describe('line chart model', () => {
  const box = { width: 400, height: 200, left: 50, right: 10, top: 10, bottom: 30 };
  it('domains skip non-finite values, and non-positive ones on a log scale', () => {
    const s = [{ name: 'a', color: '#fff', x: [0, 1, 2, 3], y: [NaN, 0, 10, 100] }];
    expect(domains(s, {})).toEqual({ x: [1, 3], y: [0, 100] });
    expect(domains(s, { logY: true })).toEqual({ x: [2, 3], y: [10, 100] });
    expect(domains(s, { logY: true, reference: { y: 1e-3, label: '' } }).y).toEqual([1e-3, 100]);
  });
  it('a constant series gets a range around its value, not one unit wide', () => {
    const d = domains([{ name: 'lr', color: '', x: [0, 1], y: [0.001, 0.001] }], {});
    expect(d.y[0]).toBeCloseTo(0.0009, 10);
    expect(d.y[1]).toBeCloseTo(0.0011, 10);
  });
  it('segments break at gaps and map into the box', () => {
    const s = { name: 'a', color: '', x: [0, 1, 2, 3, 4], y: [1, 2, NaN, 3, 4] };
    const { x, y } = scales([s], {}, box);
    const seg = segments(s, x, y, false);
    expect(seg.map((p) => p.length)).toEqual([2, 2]);
    expect(seg[0][0][0]).toBe(50);
    expect(seg[1][1][0]).toBe(390);
  });
  it('the frame leaves room for the widest y label and both axis titles; epoch axes tick whole numbers', () => {
    const s = [{ name: 'acc', color: '', x: [1, 2, 3], y: [0.5, 0.7, 0.9] }];
    const bare = frame(s, {}, 400, 200, (t) => t.length * 7);
    const titled = frame(s, { xLabel: 'epoch', yLabel: 'accuracy', integerX: true }, 400, 200, (t) => t.length * 7);
    expect(titled.box.left).toBeGreaterThan(bare.box.left);
    expect(titled.box.bottom).toBeGreaterThan(bare.box.bottom);
    expect(titled.xTicks.map((t) => t.label)).toEqual(['1', '2', '3']);
  });
  it('nearest finds the closest x; log ticks label every decade, the top one included', () => {
    expect(nearest({ name: '', color: '', x: [0, 10, 20, 30], y: [] }, 14)).toBe(1);
    expect(nearest({ name: '', color: '', x: [0, 10, 20, 30], y: [] }, 16)).toBe(2);
    const f = frame([{ name: '', color: '', x: [0, 1], y: [1e-5, 3] }], { logY: true }, 400, 240, (s) => s.length * 7);
    expect(f.yTicks.filter((t) => t.label).map((t) => t.value)).toEqual(expect.arrayContaining([1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10]));
    expect(f.y.domain()).toEqual([1e-5, 10]);
    expect(formatValue(0.000123)).toBe('1.230e-4');
    expect(formatValue(0.5)).toBe('0.5');
  });
});

describe('heatmap raster', () => {
  it('colours each cell from the table, greys missing values', () => {
    const table = colorTable();
    const px = rasterize(2, 3, (r, c) => (r === 1 && c === 2 ? NaN : (r * 3 + c) / 5), table);
    expect(px.length).toBe(2 * 3 * 4);
    expect(Array.from(px.slice(0, 4))).toEqual(Array.from(table.slice(0, 4))); // value 0
    const k = Math.floor((4 / 5) * 255) * 4;
    expect(Array.from(px.slice(16, 20))).toEqual(Array.from(table.slice(k, k + 4))); // r1 c1 = 0.8
    expect(Array.from(px.slice(20, 24))).toEqual([48, 54, 61, 255]);
    for (let i = 3; i < px.length; i += 4) expect(px[i]).toBe(255);
  });
});

describe('run data helpers', () => {
  it('smoothing is a debiased moving average that keeps gaps', () => {
    expect(smooth([1, 1, 1], 0.9)).toEqual([1, 1, 1].map(() => expect.closeTo(1, 10)));
    expect(smooth([0, 10], 0.5)[1]).toBeCloseTo(5 / 0.75, 10); // (0.5 * 0 + 0.5 * 10) / (1 - 0.5^2)
    expect(smooth([1, NaN, 1], 0.5)[1]).toBeNaN();
    expect(smooth([3, 4], 0)).toEqual([3, 4]);
  });
});
