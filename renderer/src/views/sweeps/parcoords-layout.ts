// The parallel-coordinates plot's geometry: one vertical axis per parameter, the metric last,
// evenly spaced; each trial a polyline through its values (broken where it has none yet, e.g. the
// metric of a trial still in its first epoch). Pure, so the plot's placement is tested.
import type { SweepView } from '../../../../shared/sweep/view.ts';
import { metricAxis, metricValues, paramAxis, valueOn, type SweepAxis } from './sweep-axes.ts';

export interface PlotBox { width: number; height: number; left: number; right: number; top: number; bottom: number }
export interface PlacedAxis extends SweepAxis { x: number }
export interface TrialLine { trial: string; metric: number | null; segments: [number, number][][] }

export interface ParcoordsLayout { axes: PlacedAxis[]; lines: TrialLine[]; spacing: number; box: PlotBox }

export function parcoordsLayout(view: Pick<SweepView, 'parameters' | 'trials' | 'metric' | 'goal'>, box: PlotBox): ParcoordsLayout {
  const length = Math.max(10, box.height - box.top - box.bottom);
  const axes: SweepAxis[] = [
    ...Object.entries(view.parameters).map(([path, p]) => paramAxis(path, p, length)),
    metricAxis(view.metric, view.goal, metricValues(view), length),
  ];
  const n = axes.length;
  const plotW = Math.max(10, box.width - box.left - box.right);
  const spacing = n > 1 ? plotW / (n - 1) : plotW;
  const placed = axes.map((a, i) => ({ ...a, x: box.left + (n > 1 ? i * spacing : plotW / 2) }));
  const bottom = box.height - box.bottom;
  const lines = view.trials.map((t) => {
    const segments: [number, number][][] = [];
    let cur: [number, number][] = [];
    for (const a of placed) {
      const o = a.offset(valueOn(a, t));
      if (o === null) { if (cur.length) segments.push(cur); cur = []; continue; }
      cur.push([a.x, bottom - o]);
    }
    if (cur.length) segments.push(cur);
    return { trial: t.trial, metric: t.metric, segments };
  });
  return { axes: placed, lines, spacing, box };
}

/** A label cut to `max` pixels (about 6.5 px a character at 11 px), with an ellipsis. */
export function fitLabel(label: string, maxPx: number): string {
  const chars = Math.max(3, Math.floor(maxPx / 6.5));
  return label.length <= chars ? label : `${label.slice(0, chars - 1).trimEnd()}…`;
}
