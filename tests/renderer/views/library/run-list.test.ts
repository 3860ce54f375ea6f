// The runs list: which run each is compared with, the filter, the sort orders.
import { describe, expect, it } from 'vitest';
import { filterRuns, neighbours, sortRuns, sortsFor, type RunRow } from '../../../../renderer/src/views/library/run-list.ts';

const run = (id: string, name: string, createdAt: number, extra: Partial<RunRow> & { description?: string } = {}): RunRow => ({
  id, name, title: extra.title ?? name, createdAt, status: extra.status ?? 'completed', best: extra.best ?? {},
  start: { spec: { description: extra.description } },
});

const runs = [
  run('a1', 'mlp', 1000, { best: { val_accuracy: 0.8, val_loss: 0.5 } }),
  run('b1', 'cnn', 2000, { best: { val_accuracy: 0.9, val_loss: 0.3 }, description: 'two conv blocks' }),
  run('a2', 'mlp', 3000, { status: 'diverged', best: { val_loss: 2.3 } }),
  run('c1', 'tiny', 4000, { status: 'running' }),
];

describe('neighbours', () => {
  it('the previous run of the same name, else the previous run; the first run has none', () => {
    const n = neighbours(runs);
    expect(n.get('a1')).toBeUndefined();
    expect(n.get('b1')?.id).toBe('a1');
    expect(n.get('a2')?.id).toBe('a1'); // not b1: the same name wins
    expect(n.get('c1')?.id).toBe('a2');
  });
  it('does not depend on the order the runs come in', () => {
    expect([...neighbours([...runs].reverse())].map(([k, v]) => [k, v.id]).sort()).toEqual([...neighbours(runs)].map(([k, v]) => [k, v.id]).sort());
  });
});

describe('filterRuns', () => {
  it('matches every word over name, title, description and status, in any case', () => {
    expect(filterRuns(runs, 'MLP').map((r) => r.id)).toEqual(['a1', 'a2']);
    expect(filterRuns(runs, 'conv').map((r) => r.id)).toEqual(['b1']);
    expect(filterRuns(runs, 'mlp diverged').map((r) => r.id)).toEqual(['a2']);
    expect(filterRuns(runs, '  ').length).toBe(4);
  });
});

describe('sortRuns', () => {
  const ids = (by: Parameters<typeof sortRuns>[1]) => sortRuns(runs, by).map((r) => r.id);
  it('by creation', () => {
    expect(ids('newest')).toEqual(['c1', 'a2', 'b1', 'a1']);
    expect(ids('oldest')).toEqual(['a1', 'b1', 'a2', 'c1']);
  });
  it('by name, newest first within a name', () => {
    expect(ids('name')).toEqual(['b1', 'a2', 'a1', 'c1']);
  });
  it('by best accuracy (highest first) and best loss (lowest first); runs without the figure last', () => {
    expect(ids('accuracy')).toEqual(['b1', 'a1', 'c1', 'a2']);
    expect(ids('loss')).toEqual(['b1', 'a1', 'a2', 'c1']);
  });
  it('offers the accuracy and loss sorts only when some run has the figure', () => {
    expect(sortsFor(runs).map((s) => s.id)).toEqual(['newest', 'oldest', 'name', 'accuracy', 'loss']);
    expect(sortsFor([runs[3]]).map((s) => s.id)).toEqual(['newest', 'oldest', 'name']);
    expect(sortsFor([runs[2]]).map((s) => s.id)).toEqual(['newest', 'oldest', 'name', 'loss']);
  });
  it('falls back to the test figure for a run without validation', () => {
    const t = [run('x', 'x', 1, { best: { test_accuracy: 0.95 } }), ...runs];
    expect(sortRuns(t, 'accuracy')[0].id).toBe('x');
  });
});
