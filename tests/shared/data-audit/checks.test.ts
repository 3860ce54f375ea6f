import { describe, expect, it } from 'vitest';
import { classBalance, exactDuplicates, hashWords, leakingFeatures, sameWords, type SplitData } from '../../../shared/data-audit/checks.ts';
import { mulberry32 } from '../../../shared/random.ts';
import { loadMnistDigits } from '../../../main/engine/data/mnist-digits.ts';

function gaussian(seed: number) {
  const r = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r());
}

function randomSplit(name: SplitData['name'], n: number, size: number, classes: number, seed: number): SplitData & { labels: Float32Array } {
  const g = gaussian(seed), r = mulberry32(seed + 1000);
  const x = Float32Array.from({ length: n * size }, g);
  const labels = Float32Array.from({ length: n }, () => Math.floor(r() * classes));
  return { name, x, n, size, labels };
}

/** Copies sample `from` of split a over sample `to` of split b, with its label unless one is given. */
function plant(a: SplitData, from: number, b: SplitData & { labels: Float32Array }, to: number, label?: number) {
  b.x.set(a.x.subarray(from * a.size, (from + 1) * a.size), to * b.size);
  b.labels[to] = label ?? a.labels![from];
}

const key = (g: { members: { split: string; index: number }[] }) => g.members.map((m) => `${m.split}:${m.index}`).join(' ');

describe('exactDuplicates', () => {
  function planted() {
    const train = randomSplit('train', 500, 20, 5, 1);
    const validation = randomSplit('validation', 50, 20, 5, 2);
    const test = randomSplit('test', 100, 20, 5, 3);
    plant(train, 3, train, 10); plant(train, 3, train, 11); // one sample three times in train
    plant(train, 40, train, 50); // twice, same label
    plant(train, 61, train, 60, (train.labels[61] + 1) % 5); // twice, another label
    plant(train, 100, test, 5); // train -> test, same label
    plant(train, 101, test, 6, (train.labels[101] + 2) % 5); // train -> test, another label
    plant(train, 102, validation, 7); // train -> validation
    plant(test, 21, test, 20); // within test only
    return [train, validation, test];
  }

  it('finds every planted copy within and across splits, and nothing else', () => {
    const r = exactDuplicates(planted());
    expect(r.groups.map(key)).toEqual([
      'train:3 train:10 train:11',
      'train:40 train:50',
      'train:60 train:61',
      'train:100 test:5',
      'train:101 test:6',
      'train:102 validation:7',
      'test:20 test:21',
    ].sort((a, b) => order(a) - order(b)));
    expect(r.withinTrain).toBe(2 + 1 + 1);
    expect(r.testInTrain).toBe(2); // test:20/21 are copies of each other, not of training samples
    expect(r.validationInTrain).toBe(1);
    expect(r.conflictingLabels).toBe(2); // train:60/61 and train:101/test:6
    for (const g of r.groups) expect(g.hash).toMatch(/^[0-9a-f]{16}$/);
  });

  // groups come in order of their first member: splits as given (train, validation, test), then index
  function order(k: string) {
    const [split, index] = k.split(' ')[0].split(':');
    return ['train', 'validation', 'test'].indexOf(split) * 1e6 + Number(index);
  }

  it('never pairs samples because their hashes collide: every sample in one bucket gives the same groups', () => {
    const splits = planted();
    const honest = exactDuplicates(splits);
    const allCollide = exactDuplicates(splits, { hash: (_w, _o, _s, out) => { out[0] = 7; out[1] = 7; } });
    const firstLaneCollides = exactDuplicates(splits, {
      hash: (w, o, s, out) => { hashWords(w, o, s, out); out[0] = 0; },
    });
    for (const r of [allCollide, firstLaneCollides]) {
      expect(r.groups.map(key)).toEqual(honest.groups.map(key));
      expect({ ...r, groups: [] }).toEqual({ ...honest, groups: [] });
    }
  });

  it('compares values, not hashes: two samples differing in one value are not duplicates', () => {
    const train = randomSplit('train', 3, 8, 2, 4);
    plant(train, 0, train, 1);
    train.x[1 * 8 + 5] = Math.fround(train.x[1 * 8 + 5] + 1e-6);
    const r = exactDuplicates([train], { hash: (_w, _o, _s, out) => { out[0] = 1; out[1] = 2; } });
    expect(r.groups).toEqual([]);
  });

  it('treats -0 as 0 and any NaN as NaN, in the hash and the comparison alike', () => {
    const x = new Float32Array([0, 1, NaN, 2, /* */ -0, 1, NaN, 2]);
    const w = new Uint32Array(x.buffer);
    w[6] = 0x7fc00001; // another NaN payload
    const a = new Uint32Array(2), b = new Uint32Array(2);
    hashWords(w, 0, 4, a); hashWords(w, 4, 4, b);
    expect([...a]).toEqual([...b]);
    expect(sameWords(w, 0, w, 4, 4)).toBe(true);
    const r = exactDuplicates([{ name: 'train', x, n: 2, size: 4, labels: [0, 0] }]);
    expect(r.groups.map(key)).toEqual(['train:0 train:1']);
    expect(r.withinTrain).toBe(1);
  });

  it('finds copies planted in the MNIST digits, and every group it reports holds identical images', () => {
    const d = loadMnistDigits();
    const size = 784;
    const trainN = 8000, testN = d.n - trainN;
    const train = { name: 'train' as const, x: d.x.slice(0, trainN * size), n: trainN, size, labels: d.y.slice(0, trainN) };
    const test = { name: 'test' as const, x: d.x.slice(trainN * size), n: testN, size, labels: d.y.slice(trainN) };
    // 40 test images replaced by training images spread over the set
    const planted = new Map<number, number>();
    for (let k = 0; k < 40; k++) {
      const from = 13 + 7 * k * 23, to = 50 * k + 1;
      plant(train, from, test, to);
      planted.set(to, from);
    }
    const r = exactDuplicates([train, test]);
    for (const [to, from] of planted) {
      expect(r.groups.some((g) => g.members.some((m) => m.split === 'train' && m.index === from) && g.members.some((m) => m.split === 'test' && m.index === to))).toBe(true);
    }
    expect(r.testInTrain).toBeGreaterThanOrEqual(40);
    const rows = { train, test };
    for (const g of r.groups) {
      const [a, ...rest] = g.members;
      const ra = rows[a.split as 'train' | 'test'].x.subarray(a.index * size, (a.index + 1) * size);
      for (const m of rest) expect(rows[m.split as 'train' | 'test'].x.subarray(m.index * size, (m.index + 1) * size)).toEqual(ra);
    }
  });
});

describe('leakingFeatures', () => {
  /** 600 rows, 3 classes, sorted by class (as exported tables often are), with these columns. */
  function table(labelsOf: (i: number) => number, n = 600) {
    const g = gaussian(11), r = mulberry32(12);
    const perm = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [perm[i], perm[j]] = [perm[j], perm[i]]; }
    const cols = 8;
    const x = new Float32Array(n * cols);
    const labels = Float32Array.from({ length: n }, (_, i) => labelsOf(i));
    for (let i = 0; i < n; i++) {
      const y = labels[i];
      const row = [
        g(), //                     0 honest: noise
        y * 2 + 1, //               1 leak: the label, recoded
        y + 1.5 * g(), //           2 honest: weakly informative
        y * 5 + 0.3 * g(), //       3 leak: continuous, one cluster per class
        perm[i], //                 4 honest: a shuffled id
        4, //                       5 honest: constant
        Math.floor(r() * 5), //     6 honest: random category
        i, //                       7 leak: the row number, in a table sorted by class
      ];
      x.set(row, i * cols);
    }
    return { name: 'train' as const, x, n, size: cols, labels };
  }

  it('reports the label-revealing columns and none of the honest ones', () => {
    const d = table((i) => Math.floor(i / 200));
    const found = leakingFeatures(d, 3);
    expect(found.map((f) => f.feature).sort()).toEqual([1, 3, 7]);
    for (const f of found) {
      expect(f.accuracy).toBeGreaterThanOrEqual(0.98);
      expect(f.baseRate).toBeCloseTo(1 / 3, 10);
    }
    // the weakly informative column beats the base rate, but is nowhere near 0.98
    const weak = leakingFeatures(d, 3, { minAccuracy: 0 }).find((f) => f.feature === 2);
    expect(weak?.accuracy ?? 0).toBeLessThan(0.8);
  });

  it('does not report a column for matching a 99% majority class', () => {
    // 594 of 600 rows in class 0: predicting 0 everywhere is already 99% right
    const d = table((i) => (i % 100 === 0 ? 1 : 0));
    const found = leakingFeatures(d, 2).map((f) => f.feature);
    for (const honest of [0, 2, 4, 5, 6]) expect(found).not.toContain(honest);
    expect(found).toContain(1); // the recoded label still is one
  });

  it('reports a column whose missing values give the class away', () => {
    const n = 400, g = gaussian(13);
    const labels = Float32Array.from({ length: n }, (_, i) => (i * 7) % 2);
    // column 0: measured only for class 0 (NaN for class 1); column 1: NaN at random, whatever the class
    const x = Float32Array.from({ length: n * 2 }, (_, k) => {
      const i = k >> 1;
      if (k % 2 === 0) return labels[i] === 1 ? NaN : g();
      return g() > 1 ? NaN : g();
    });
    expect(leakingFeatures({ name: 'train', x, n, size: 2, labels }, 2)).toEqual([{ feature: 0, accuracy: 1, baseRate: 0.5 }]);
  });

  it('does not take a repeated row for a perfect neighbour: oversampled data has no leak for it', () => {
    const once = table((i) => Math.floor(i / 200));
    const twice = { ...once, n: once.n * 2, x: new Float32Array([...once.x, ...once.x]), labels: new Float32Array([...once.labels, ...once.labels]) };
    expect(leakingFeatures(twice, 3).map((f) => f.feature).sort()).toEqual([1, 3, 7]);
  });

  it('looks at evenly spaced rows of a large table (2,000 of 20,000 here), and still finds the leak', () => {
    const n = 20_000, size = 400, g = gaussian(21);
    const labels = Float32Array.from({ length: n }, (_, i) => i % 4);
    const x = Float32Array.from({ length: n * size }, (_, k) => (k % size === 123 ? labels[Math.floor(k / size)] * 3 + 0.1 * g() : g()));
    expect(leakingFeatures({ name: 'train', x, n, size, labels }, 4).map((f) => f.feature)).toEqual([123]);
  });

  it('finds nothing without labels', () => {
    expect(leakingFeatures({ ...table(() => 0), labels: null }, 3)).toEqual([]);
  });
});

describe('classBalance', () => {
  it('counts each class and gives the largest over the smallest present', () => {
    const labels = [...new Array(500).fill(0), ...new Array(50).fill(1), ...new Array(5).fill(2)];
    const d = { name: 'train' as const, x: new Float32Array(labels.length), n: labels.length, size: 1, labels };
    expect(classBalance(d, 4)).toEqual({ counts: [500, 50, 5, 0], imbalance: 100, missing: [3], invalid: 0 });
  });

  it('sets aside labels that are not class indices', () => {
    const labels = [0, 1, 1, 7, -1, 0.5];
    const d = { name: 'test' as const, x: new Float32Array(6), n: 6, size: 1, labels };
    expect(classBalance(d, 2)).toEqual({ counts: [1, 2], imbalance: 2, missing: [], invalid: 3 });
  });

  it('is balanced with no labels at all', () => {
    expect(classBalance({ name: 'validation', x: new Float32Array(3), n: 3, size: 1, labels: null }, 2)).toEqual({ counts: [0, 0], imbalance: 1, missing: [0, 1], invalid: 0 });
  });
});
