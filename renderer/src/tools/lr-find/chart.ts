// The range test's chart, apart from the component so it can be checked without a DOM: the loss
// (raw and smoothed) against log10(lr) on a linear axis (the shared line chart has no log x
// axis), with markers at the suggestion, the minimum, the blow-up and the spec's own rate.
import type { LrFindResult } from '../../../../shared/tools/lr-find/definition.ts';
import type { LineOptions, Marker, Series } from '../../charts/line-model.ts';

export const LR_FIND_COLORS = { raw: '#6e7681', smoothed: '#58a6ff', suggested: '#3fb950', minimum: '#d29922', diverged: '#f85149', spec: '#d2a8ff' } as const;

/** 2.9e-3 rather than 0.0029150530628251777 */
export const fmtLr = (v: number | null) => (v === null || !Number.isFinite(v) ? '–' : Number(v.toPrecision(2)).toExponential().replace(/e\+?/, 'e'));

export function lrFindChart(r: LrFindResult): { series: Series[]; options: LineOptions } {
  const x = r.lrs.map((lr) => Math.log10(lr));
  const finite = r.losses.filter(Number.isFinite);
  const markers: Marker[] = [];
  const x0 = x[0] ?? 0, x1 = x[x.length - 1] ?? 1, edge = 0.005 * (x1 - x0);
  const mark = (lr: number | null, color: string, label: string) => {
    if (lr === null || !Number.isFinite(lr) || lr <= 0) return;
    // the chart drops a marker that lands exactly on its right edge (half-pixel alignment), and the
    // blow-up is always the last point: move one that close in by half a percent of the axis
    const at = Math.log10(lr);
    markers.push({ x: at <= x1 && at > x1 - edge ? x1 - edge : at, color, label });
  };
  mark(r.suggested, LR_FIND_COLORS.suggested, `suggested ${fmtLr(r.suggested)} (steepest fall)`);
  mark(r.minimum.lr, LR_FIND_COLORS.minimum, `minimum ${fmtLr(r.minimum.lr)}`);
  mark(r.diverged?.lr ?? null, LR_FIND_COLORS.diverged, `blew up ${fmtLr(r.diverged?.lr ?? null)} (step ${r.diverged?.step})`);
  mark(r.specLr, LR_FIND_COLORS.spec, `spec's lr ${fmtLr(r.specLr)}`);
  return {
    series: [
      { name: 'loss', color: LR_FIND_COLORS.raw, x, y: r.losses, width: 1 },
      { name: 'smoothed', color: LR_FIND_COLORS.smoothed, x, y: r.smoothed, width: 2 },
    ],
    options: { logY: finite.length > 0 && finite.every((v) => v > 0), markers, xLabel: 'log10(learning rate)', yLabel: 'loss' },
  };
}
