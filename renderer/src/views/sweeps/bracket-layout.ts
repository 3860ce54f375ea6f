// Successive halving as a bracket: one column per rung (its epochs), each trial a dot at the metric
// it had there, a line from a trial promoted at one rung to its dot at the next, and the trials
// stopped at a rung greyed. The metric axis is shared by every column, the better end up.
import type { SweepView } from '../../../../shared/sweep/view.ts';

type RungEntry = NonNullable<SweepView['rungs']>[number]['entries'][number];
import { metricAxis, type SweepAxis } from './sweep-axes.ts';

export interface BracketBox { width: number; height: number; left: number; right: number; top: number; bottom: number }

export interface BracketDot {
  trial: string; rung: number; x: number; y: number; metric: number;
  promoted: boolean;
  /** not promoted at a rung below the last: successive halving stopped it here */
  stopped: boolean;
  /** a result at the last rung (the full budget) */
  final: boolean;
}
export interface BracketLink { trial: string; x1: number; y1: number; x2: number; y2: number }

export interface BracketLayout {
  columns: { epochs: number; x: number; count: number; promoted: number }[];
  axis: SweepAxis;
  dots: BracketDot[];
  links: BracketLink[];
  /** results that are not finite numbers (a diverged trial): counted, not drawn */
  offScale: number;
}

export function bracketLayout(rungs: readonly { epochs: number; entries: readonly RungEntry[] }[], metric: string, goal: 'minimize' | 'maximize', box: BracketBox): BracketLayout {
  const plotW = Math.max(1, box.width - box.left - box.right), plotH = Math.max(1, box.height - box.top - box.bottom);
  const values = rungs.flatMap((r) => r.entries.map((e) => e.metric)).filter((m): m is number => m !== null && Number.isFinite(m));
  const axis = metricAxis(metric, goal, values, plotH, 'y');
  const n = rungs.length;
  const colX = (i: number) => box.left + (n <= 1 ? plotW / 2 : (i * plotW) / (n - 1));
  const yOf = (m: number) => box.height - box.bottom - (axis.offset(m) ?? 0);
  const last = n - 1;
  let offScale = 0;
  const dots: BracketDot[] = [];
  rungs.forEach((r, i) => {
    for (const e of r.entries) {
      if (e.metric === null || !Number.isFinite(e.metric)) { offScale++; continue; }
      dots.push({ trial: e.trial, rung: r.epochs, x: colX(i), y: yOf(e.metric), metric: e.metric, promoted: e.promoted, stopped: i < last && !e.promoted, final: i === last });
    }
  });
  const at = new Map(dots.map((d) => [`${d.trial}@${d.rung}`, d]));
  const links: BracketLink[] = [];
  rungs.forEach((r, i) => {
    if (i === last) return;
    const next = rungs[i + 1].epochs;
    for (const e of r.entries) {
      if (!e.promoted) continue;
      const a = at.get(`${e.trial}@${r.epochs}`), b = at.get(`${e.trial}@${next}`);
      if (a && b) links.push({ trial: e.trial, x1: a.x, y1: a.y, x2: b.x, y2: b.y });
    }
  });
  const columns = rungs.map((r, i) => ({ epochs: r.epochs, x: colX(i), count: r.entries.length, promoted: r.entries.filter((e) => e.promoted).length }));
  return { columns, axis, dots, links, offScale };
}
