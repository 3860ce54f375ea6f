// Axis ticks: labels never overlap nor leave the axis, log axes label every decade (above 1 too),
// integer axes (epochs) never get fractional ticks.
import { describe, expect, it } from 'vitest';
import { axisTicks, estimateWidth, formatTick, niceLinearDomain, niceLogDomain, type AxisSpec, type Tick } from '../../renderer/src/charts/axis.ts';

const width = estimateWidth(11);
const labelled = (ts: Tick[]) => ts.filter((t) => t.label);

/** The labels' extents along the axis never overlap and stay within [0, length]. */
function expectReadable(ts: Tick[], spec: AxisSpec) {
  const extent = spec.direction === 'x' ? width : () => 13;
  const spans = labelled(ts).map((t) => [t.labelAt - extent(t.label) / 2, t.labelAt + extent(t.label) / 2]);
  for (const [a, b] of spans) { expect(a).toBeGreaterThanOrEqual(-1e-9); expect(b).toBeLessThanOrEqual(spec.length + 1e-9); }
  for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThan(spans[i - 1][1]);
}

describe('axis ticks', () => {
  const domains: [number, number][] = [[0, 1], [0, 2.3], [0, 10_000], [-3.2, 7.9], [0.0011, 0.0013], [1234, 987_654], [0, 1e6]];
  const lengths = [60, 120, 200, 420, 900, 1400];

  it('no two labels overlap and none is clipped, linear, for a range of widths and domains', () => {
    for (const domain of domains) for (const length of lengths) for (const direction of ['x', 'y'] as const) {
      const spec: AxisSpec = { domain, length, direction };
      const ts = axisTicks(spec);
      expectReadable(ts, spec);
      if (length >= 120) expect(labelled(ts).length, `${domain} ${length} ${direction}`).toBeGreaterThanOrEqual(2);
    }
  });

  it('log domains like [1e-4, 30] label every decade, above 1 included, with 2 and 5 lines between', () => {
    const spec: AxisSpec = { domain: niceLogDomain([1e-4, 30]), length: 200, direction: 'y', log: true };
    expect(spec.domain).toEqual([1e-4, 100]);
    const ts = axisTicks(spec);
    expectReadable(ts, spec);
    expect(labelled(ts).map((t) => t.value)).toEqual(expect.arrayContaining([1e-4, 1e-3, 1e-2, 0.1, 1, 10, 100]));
    expect(ts.map((t) => t.value)).toEqual(expect.arrayContaining([2e-4, 5e-4, 2, 5, 20, 50]));
  });

  it('log axes stay readable for many widths, and label 2 and 5 when a decade is tall', () => {
    for (const domain of [[1e-8, 1e3], [1e-4, 30], [0.5, 2], [1e-3, 1e-1]] as [number, number][]) for (const length of [80, 150, 300, 700]) {
      const spec: AxisSpec = { domain: niceLogDomain(domain), length, direction: 'y', log: true };
      const ts = axisTicks(spec);
      expectReadable(ts, spec);
      const decades = ts.filter((t) => Math.abs(Math.log10(t.value) - Math.round(Math.log10(t.value))) < 1e-9);
      if (length / decades.length >= 14) expect(decades.every((t) => t.label), `${domain} ${length}`).toBe(true);
    }
    const tall = axisTicks({ domain: [1e-3, 1e-1], length: 400, direction: 'y', log: true });
    expect(labelled(tall).map((t) => t.label)).toEqual(['0.001', '0.002', '0.005', '0.01', '0.02', '0.05', '0.1']);
  });

  it('epoch axes get whole numbers only', () => {
    for (const domain of [[1, 2], [1, 3], [1, 7], [0, 12], [1, 150]] as [number, number][]) for (const length of [120, 400, 1000]) {
      const ts = axisTicks({ domain, length, direction: 'x', integer: true });
      expect(ts.length).toBeGreaterThanOrEqual(2);
      for (const t of ts) { expect(Number.isInteger(t.value)).toBe(true); expect(t.label).not.toMatch(/\./); }
    }
    expect(axisTicks({ domain: [1, 3], length: 400, direction: 'x', integer: true }).map((t) => t.label)).toEqual(['1', '2', '3']);
    expect(niceLinearDomain([1, 3], true)).toEqual([1, 3]);
  });

  it('labels are short and keep the precision of their step', () => {
    expect(formatTick(2e-5)).toBe('2e-5');
    expect(formatTick(1e-4)).toBe('1e-4');
    expect(formatTick(0.01)).toBe('0.01');
    expect(formatTick(100)).toBe('100');
    expect(formatTick(0.2, 0.05)).toBe('0.20');
    expect(formatTick(2000, 500)).toBe('2000');
    expect(formatTick(1e6)).toBe('1e6');
    expect(formatTick(20_000, 5000)).toBe('20k');
    expect(formatTick(1_500_000, 500_000)).toBe('1.5M');
  });
});
