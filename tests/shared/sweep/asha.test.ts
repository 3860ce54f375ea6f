import { describe, expect, it } from 'vitest';
import { AshaScheduler, ashaKeep, ashaRungs, type AshaBudget } from '../../../shared/sweep/asha.ts';
import { mulberry32 } from '../../../shared/random.ts';

const budget: AshaBudget = { minEpochs: 1, maxEpochs: 9, reductionFactor: 3 };

describe('ashaRungs', () => {
  it('puts rungs at minEpochs * eta^k below maxEpochs, then maxEpochs as the final budget', () => {
    expect(ashaRungs(budget)).toEqual([1, 3, 9]);
    expect(ashaRungs({ minEpochs: 1, maxEpochs: 10, reductionFactor: 3 })).toEqual([1, 3, 9, 10]);
    expect(ashaRungs({ minEpochs: 2, maxEpochs: 20, reductionFactor: 2 })).toEqual([2, 4, 8, 16, 20]);
    expect(ashaRungs({ minEpochs: 5, maxEpochs: 5, reductionFactor: 3 })).toEqual([5]);
    expect(() => ashaRungs({ minEpochs: 4, maxEpochs: 3, reductionFactor: 3 })).toThrow(/minEpochs <= maxEpochs/);
  });

  it('keeps the best max(1, floor(n / eta))', () => {
    expect([1, 2, 3, 5, 6, 8, 9].map((n) => ashaKeep(n, 3))).toEqual([1, 1, 1, 1, 2, 2, 3]);
  });
});

describe('AshaScheduler: a worked example', () => {
  // Nine trials A..I, eta = 3, rungs at epochs 1 and 3, final budget 9, minimising. n is the
  // number of results at the rung including this one, k = max(1, floor(n/3)) of them go on, and
  // "rank" counts the earlier results at least as good (ties go to the earlier one).
  //
  //  #  report        rung results before (epoch 1 unless said)     n  k  rank  decision
  //  1  A e1 0.50     -                                              1  1  0     continue
  //  2  B e1 0.50     A.50                                           2  1  1     stop (tie: A was first)
  //  3  C e1 0.40     A.50 B.50                                      3  1  0     continue
  //  4  A e2 0.46     (not a rung)                                   -  -  -     continue
  //  5  D e1 0.55     A.50 B.50 C.40                                 4  1  1+    stop
  //  6  A e3 0.42     epoch-3 rung empty                             1  1  0     continue
  //  7  E e1 0.30     A B C D                                        5  1  0     continue
  //  8  F e1 0.45     ... C.40 E.30 better                           6  2  2     stop
  //  9  C e2 0.37     (not a rung)                                   -  -  -     continue
  // 10  C e3 0.35     epoch 3: A.42                                  2  1  0     continue
  // 11  G e1 0.35     E.30 better                                    7  2  1     continue
  // 12  H e1 NaN      not finite: recorded as the worst              8  -  -     stop
  // 13  I e1 0.38     E.30 G.35 better; n counts H's NaN              9  3  2     continue (k would be 2 without H)
  // 14  E e3 0.36     epoch 3: A.42 C.35 -> C better                 3  1  1     stop
  // 15  A e9 0.40     final budget                                   -  -  -     complete
  // 16  G e3 0.30     epoch 3: A.42 C.35 E.36                        4  1  0     continue
  // 17  I e3 0.33     epoch 3: ... G.30 better                       5  1  1     stop
  // 18  C e9 0.31                                                                 complete
  // 19  G e9 0.25                                                                 complete
  // A went on at epoch 3 although C and G later did better there: decisions are never revisited.
  // Epochs spent: A 9 + B 1 + C 9 + D 1 + E 3 + F 1 + G 9 + H 1 + I 3 = 37 of 81.
  const steps: [string, number, number, string, number | undefined][] = [
    ['A', 1, 0.5, 'continue', 0], ['B', 1, 0.5, 'stop', 0], ['C', 1, 0.4, 'continue', 0],
    ['A', 2, 0.46, 'continue', undefined], ['D', 1, 0.55, 'stop', 0], ['A', 3, 0.42, 'continue', 1],
    ['E', 1, 0.3, 'continue', 0], ['F', 1, 0.45, 'stop', 0], ['C', 2, 0.37, 'continue', undefined],
    ['C', 3, 0.35, 'continue', 1], ['G', 1, 0.35, 'continue', 0], ['H', 1, NaN, 'stop', 0],
    ['I', 1, 0.38, 'continue', 0], ['E', 2, 0.33, 'continue', undefined], ['E', 3, 0.36, 'stop', 1],
    ...[4, 5, 6, 7, 8].map((e) => ['A', e, 0.41, 'continue', undefined] as [string, number, number, string, undefined]),
    ['A', 9, 0.4, 'complete', 2], ['G', 2, 0.33, 'continue', undefined], ['G', 3, 0.3, 'continue', 1],
    ['I', 2, 0.36, 'continue', undefined], ['I', 3, 0.33, 'stop', 1],
    ...[4, 5, 6, 7, 8].flatMap((e) => [['C', e, 0.32, 'continue', undefined], ['G', e, 0.27, 'continue', undefined]] as [string, number, number, string, undefined][]),
    ['C', 9, 0.31, 'complete', 2], ['G', 9, 0.25, 'complete', 2],
  ];

  const run = () => {
    const s = new AshaScheduler(budget, 'minimize');
    const got = steps.map(([t, e, m]) => s.report(t, e, m));
    return { s, got };
  };

  it('gives the decision the rule demands at every report', () => {
    const { got } = run();
    steps.forEach(([t, e, , decision, rung], i) => {
      expect(got[i], `step ${i + 1}: ${t} epoch ${e}`).toEqual(rung === undefined ? { decision } : { decision, rung });
    });
  });

  it('spends 37 of the 81 epochs a full grid would', () => {
    const epochs = new Map<string, number>();
    for (const [t, e] of steps) epochs.set(t, Math.max(epochs.get(t) ?? 0, e));
    expect([...epochs.values()].reduce((a, b) => a + b, 0)).toBe(37);
  });

  it('lists each rung\'s results in order with who went on (the bracket chart)', () => {
    const rungs = run().s.rungs();
    expect(rungs.map((r) => [r.epoch, r.final])).toEqual([[1, false], [3, false], [9, true]]);
    expect(rungs[0].entries.map((e) => `${e.trial}${e.promoted ? '+' : '-'}`).join(' ')).toBe('A+ B- C+ D- E+ F- G+ H- I+');
    expect(rungs[0].entries.find((e) => e.trial === 'H')!.metric).toBeNull();
    expect(rungs[1].entries.map((e) => [e.trial, e.metric, e.promoted])).toEqual([
      ['A', 0.42, true], ['C', 0.35, true], ['E', 0.36, false], ['G', 0.3, true], ['I', 0.33, false],
    ]);
    expect(rungs[2].entries.map((e) => e.trial)).toEqual(['A', 'C', 'G']);
  });

  it('repeats a decision for a retried trial and for a trial reporting after it was stopped, without recording it twice', () => {
    const { s } = run();
    expect(s.report('J', 1, 0.2)).toEqual({ decision: 'continue', rung: 0 });
    const before = s.records().length;
    expect(s.report('J', 1, 0.9)).toEqual({ decision: 'continue', rung: 0 }); // J's retry from the start, worse this time
    expect(s.report('C', 1, 0.9)).toEqual({ decision: 'complete', rung: 2 }); // C had completed
    expect(s.report('B', 2, 0.1)).toEqual({ decision: 'stop', rung: 0 });
    expect(s.report('A', 9, 0.1)).toEqual({ decision: 'complete', rung: 2 });
    expect(s.records().length).toBe(before);
  });

  it('restores from its records to the same rungs and the same next decisions', () => {
    const { s } = run();
    const records = JSON.parse(JSON.stringify(s.records())); // as read back from sweep.jsonl (NaN -> null)
    const r = AshaScheduler.restore(budget, 'minimize', records);
    expect(r.rungs()).toEqual(s.rungs());
    // a tenth trial: n = 10 at epoch 1, k = 3; E.30 G.35 better -> rank 2 -> continue
    expect(r.report('J', 1, 0.36)).toEqual(s.report('J', 1, 0.36));
    expect(r.status('J')).toEqual({ decision: 'continue', rung: 0 });
    expect(r.report('K', 1, 0.39)).toEqual({ decision: 'stop', rung: 0 }); // n 11, k 3: E G J better
  });

  it('stops a trial whose metric is not finite between rungs and at the final budget', () => {
    const s = new AshaScheduler(budget, 'minimize');
    expect(s.report('A', 2, Infinity)).toEqual({ decision: 'stop' });
    expect(s.report('A', 3, 0.1)).toEqual({ decision: 'stop' });
    expect(s.report('B', 9, NaN)).toEqual({ decision: 'stop', rung: 2 });
  });

  it('ranks by the goal: maximising keeps the highest', () => {
    const s = new AshaScheduler(budget, 'maximize');
    expect(s.report('A', 1, 0.5).decision).toBe('continue');
    expect(s.report('B', 1, 0.4).decision).toBe('stop');
    expect(s.report('C', 1, 0.6).decision).toBe('continue');
  });
});

describe('AshaScheduler on a synthetic objective', () => {
  // 16 configurations (a 4 x 4 grid of quality q and speed v): the metric approaches q as epochs
  // grow, faster for larger v. At epoch 1 the fast configurations lead (c3 beats the best, c0), so
  // the best survives the first rung only through the rank rule, not by being first everywhere.
  const configs = Array.from({ length: 16 }, (_, i) => ({ id: `c${i}`, q: 0.1 + 0.1 * Math.floor(i / 4) + 0.013 * (i % 4), v: 1 + (i % 4) }));
  const metric = (c: (typeof configs)[number], epoch: number) => c.q + 0.3 / (1 + c.v * epoch);
  const gridBest = configs.reduce((a, b) => (metric(a, 9) <= metric(b, 9) ? a : b));

  /** Trials on `workers` workers, one epoch per tick each, in the given start order. */
  function simulate(order: typeof configs, workers: number) {
    const s = new AshaScheduler(budget, 'minimize');
    const queue = [...order];
    const running: { c: (typeof configs)[number]; epoch: number }[] = [];
    let spent = 0;
    const finished: { id: string; metric: number }[] = [];
    while (queue.length || running.length) {
      while (running.length < workers && queue.length) running.push({ c: queue.shift()!, epoch: 0 });
      for (const r of [...running]) {
        r.epoch++;
        spent++;
        const m = metric(r.c, r.epoch);
        const { decision } = s.report(r.c.id, r.epoch, m);
        if (decision === 'continue') continue;
        running.splice(running.indexOf(r), 1);
        if (decision === 'complete') finished.push({ id: r.c.id, metric: m });
      }
    }
    const best = finished.reduce((a, b) => (a.metric <= b.metric ? a : b));
    return { spent, best: best.id };
  }

  it.each([1, 2, 3, 4])('spends well under half the grid\'s epochs and finds the grid\'s best (shuffle %i)', (seed) => {
    const rand = mulberry32(seed);
    const order = [...configs].sort(() => rand() - 0.5);
    for (const workers of [1, 2]) {
      const { spent, best } = simulate(order, workers);
      expect(spent, `workers ${workers}`).toBeLessThan(0.4 * 16 * budget.maxEpochs); // 36 to 52 of 144 here
      expect(best, `workers ${workers}`).toBe(gridBest.id);
    }
  });
});
