// The heatmap's model, without a DOM: the step axis and row labels never overlap, a point finds its
// cell, the colour scale separates the values that matter, the Saturation tab's plots fill the
// screen, and mean |activation| is recovered from what the instrument records.
import { describe, expect, it } from 'vitest';
import { stepTicks, rowTicks, cellAt, plotSize, MIN_LABELLED_ROW } from '../../renderer/src/charts/heatmap-axes.ts';
import { sqrtViridis } from '../../renderer/src/charts/color-scale.ts';
import { estimateWidth } from '../../renderer/src/charts/axis.ts';
import { rasterize } from '../../renderer/src/charts/heatmap-model.ts';
import { saturationPlotHeights } from '../../renderer/src/instruments/activations/saturation-layout.ts';
import { meanAbsActivation, meanAbsColumn, meanAbsFromHist } from '../../renderer/src/instruments/activations/mean-abs.ts';

const width = estimateWidth(11);

describe('heatmap axes', () => {
  it('step ticks: whole recorded-range steps, labels apart, on the column that recorded them', () => {
    for (const n of [1, 3, 12, 100, 10_000]) for (const w of [200, 600, 1250]) {
      const steps = Array.from({ length: n }, (_, i) => i * 10);
      const ts = stepTicks(steps, w).filter((t) => t.label);
      const spans = ts.map((t) => [t.labelAt - width(t.label) / 2, t.labelAt + width(t.label) / 2]);
      for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThan(spans[i - 1][1]);
      for (const t of ts) {
        expect(Number.isInteger(t.value)).toBe(true);
        expect(t.value).toBeGreaterThanOrEqual(0);
        expect(t.value).toBeLessThanOrEqual(steps[n - 1]);
      }
      if (n >= 3 && w >= 600) expect(ts.length).toBeGreaterThanOrEqual(3);
    }
    // collected every 5 steps over a short run: ticks on the columns, not at every step between them
    expect(stepTicks([0, 5, 10, 15, 20, 25], 1200).map((x) => x.value)).toEqual([0, 5, 10, 15, 20, 25]);
    // step 20 is the third column: its centre
    const t = stepTicks([0, 10, 20, 30], 400).find((x) => x.value === 20)!;
    expect(t.at).toBeCloseTo(2.5 * 100, 6);
  });

  it('row labels: every row when tall enough, else an evenly spaced few at least 15 px apart', () => {
    expect(rowTicks(2, 600)).toEqual([0, 1]);
    expect(rowTicks(40, 600)).toHaveLength(40);
    for (const rows of [64, 128, 512]) for (const h of [200, 360, 700]) {
      const rs = rowTicks(rows, h);
      expect(rs.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < rs.length; i++) expect(((rs[i] - rs[i - 1]) * h) / rows).toBeGreaterThanOrEqual(MIN_LABELLED_ROW);
    }
  });

  it('a point finds its cell, clamped to the grid', () => {
    expect(cellAt(0, 0, 100, 50, 2, 10)).toEqual({ r: 0, c: 0 });
    expect(cellAt(55, 30, 100, 50, 2, 10)).toEqual({ r: 1, c: 5 });
    expect(cellAt(100, 50, 100, 50, 2, 10)).toEqual({ r: 1, c: 9 });
  });
});

describe('heatmap colour scale', () => {
  const lightness = (rgb: ArrayLike<number>) => 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
  const colourOf = (v: number) => rasterize(1, 1, () => v, sqrtViridis(1, true).table);

  it('separates 0-30% clearly: each 5% step changes the colour visibly, and 30% is half as light as 100% (linear inferno: a fifth)', () => {
    for (let v = 0; v < 0.3; v += 0.05) {
      const [a, b] = [colourOf(v), colourOf(v + 0.05)];
      const distance = Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
      expect(distance, `${v}`).toBeGreaterThan(12);
    }
    expect(lightness(colourOf(0.3))).toBeGreaterThan(lightness(colourOf(1)) / 2);
    expect(lightness(colourOf(0))).toBeGreaterThan(15); // dark purple, not the page's black
    expect(sqrtViridis(1, true).at(0.25)).toBeCloseTo(0.5, 9);
  });

  it('formats fractions as percentages and spreads the legend ticks of other values over the ramp', () => {
    expect(sqrtViridis(1, true).format(0.234)).toBe('23%');
    const s = sqrtViridis(3.7, false);
    expect(s.ticks[0]).toBe(0);
    for (let i = 1; i < s.ticks.length; i++) expect(s.at(s.ticks[i]) - s.at(s.ticks[i - 1])).toBeGreaterThanOrEqual(1 / 7 - 1e-9);
  });
});

describe('saturation layout', () => {
  it('at 1440x900 the layers map fills the height below the controls; with the unit map both stay readable', () => {
    const available = 900 - 62 - 20; // the view's top on a 1440x900 window, less the bottom margin
    const alone = saturationPlotHeights(available, false);
    expect(alone.layers).toBeGreaterThan(600);
    const both = saturationPlotHeights(available, true);
    expect(both.layers).toBeGreaterThan(200);
    expect(both.units).toBeGreaterThan(both.layers);
    expect(plotSize(1440 - 32 - 2, alone.layers + 40)).toEqual({ width: 1208, height: alone.layers });
  });
});

describe('mean |activation|', () => {
  it('is the mean where no output is negative, else from the histogram (a bin across 0 taken as uniform)', () => {
    const hist = [{ lo: -1, hi: 1, counts: [1, 1] }];
    expect(meanAbsActivation({ mean: [0.3], min: [0], hist }, 0)).toBe(0.3);
    expect(meanAbsActivation({ mean: [0], min: [-1], hist }, 0)).toBeCloseTo(0.5, 9);
    // one bin [-1, 3]: |a| averaged over a uniform [-1, 3] is (1 + 9) / 8
    expect(meanAbsFromHist({ lo: -1, hi: 3, counts: [4] })).toBeCloseTo(10 / 8, 9);
    expect(meanAbsFromHist({ lo: NaN, hi: NaN, counts: [] })).toBeNaN();
  });

  it('is computed once per collection, and again when one arrives out of order', () => {
    const h = (lo: number) => ({ lo, hi: lo + 1, counts: [1] });
    const s = { mean: [0.5, 1.5], min: [0, 1], hist: [h(0), h(1)] };
    expect(meanAbsColumn(s)).toEqual([0.5, 1.5]);
    s.mean.push(2.5); s.min.push(2); s.hist.push(h(2));
    expect(meanAbsColumn(s)).toEqual([0.5, 1.5, 2.5]);
    s.mean.splice(1, 0, 9); s.min.splice(1, 0, 0); s.hist.splice(1, 0, h(0));
    expect(meanAbsColumn(s)).toEqual([0.5, 9, 1.5, 2.5]);
  });
});
