// The runs list's rows: which run each one is compared with, the filter box and the sort order.
// Pure functions of the library's records, so the list's rules are tested without a page.
import type { RunRecord } from '../../store/db.ts';

export type RunRow = Pick<RunRecord, 'id' | 'name' | 'title' | 'createdAt' | 'status' | 'best'> & { start: { spec: { description?: string } } };

export const SORTS = [
  { id: 'newest', title: 'newest first' },
  { id: 'oldest', title: 'oldest first' },
  { id: 'name', title: 'name' },
  { id: 'accuracy', title: 'best accuracy' },
  { id: 'loss', title: 'best loss' },
] as const;
export type SortId = (typeof SORTS)[number]['id'];

const byCreated = <R extends RunRow>(a: R, b: R) => a.createdAt - b.createdAt || a.id.localeCompare(b.id);

/**
 * The run each run is compared with: the one created just before it with the same name, else the
 * one created just before it. In creation order, whatever the list's sort or filter, so a run's
 * label does not change when the list is re-sorted. The first run has none.
 */
export function neighbours<R extends RunRow>(runs: readonly R[]): Map<string, R> {
  const out = new Map<string, R>();
  const lastOfName = new Map<string, R>();
  let previous: R | null = null;
  for (const r of [...runs].sort(byCreated)) {
    const n = lastOfName.get(r.name) ?? previous;
    if (n) out.set(r.id, n);
    lastOfName.set(r.name, r);
    previous = r;
  }
  return out;
}

/** Runs whose name, title, description or status contain every word of `text` (any case). */
export function filterRuns<R extends RunRow>(runs: readonly R[], text: string): R[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [...runs];
  return runs.filter((r) => {
    const hay = [r.name, r.title, r.start.spec.description ?? '', r.status].join(' ').toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** A run's best validation figure, else its test figure (a run without validation still has one). */
function bestOf(r: RunRow, metric: 'accuracy' | 'loss'): number | undefined {
  const v = r.best[`val_${metric}`] ?? r.best[`test_${metric}`];
  return Number.isFinite(v) ? v : undefined;
}

/** The sorts that order these runs: by accuracy or loss only when some run has that figure. */
export function sortsFor(runs: readonly RunRow[]): (typeof SORTS)[number][] {
  return SORTS.filter((s) => (s.id !== 'accuracy' && s.id !== 'loss') || runs.some((r) => bestOf(r, s.id) !== undefined));
}

/** Sorted copy; runs without the figure a sort is by go last, newest first among themselves. */
export function sortRuns<R extends RunRow>(runs: readonly R[], by: SortId): R[] {
  const newest = (a: R, b: R) => byCreated(b, a);
  const out = [...runs];
  switch (by) {
    case 'newest': return out.sort(newest);
    case 'oldest': return out.sort(byCreated);
    case 'name': return out.sort((a, b) => a.title.localeCompare(b.title, undefined, { numeric: true, sensitivity: 'base' }) || newest(a, b));
    case 'accuracy':
    case 'loss': {
      const sign = by === 'accuracy' ? -1 : 1; // higher accuracy, lower loss first
      return out.sort((a, b) => {
        const x = bestOf(a, by), y = bestOf(b, by);
        if (x === undefined || y === undefined) return x === y ? newest(a, b) : x === undefined ? 1 : -1;
        return sign * (x - y) || newest(a, b);
      });
    }
  }
}
