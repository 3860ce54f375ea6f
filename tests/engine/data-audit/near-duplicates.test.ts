// Near duplicates by blocked cosine similarity, on the cpu backend and on wasm (the engine's
// choice on most machines), with MNIST digits for the planted copies.
import { beforeAll, describe, expect, it } from 'vitest';
import { nearDuplicates, type Embeddings } from '../../../main/engine/data-audit/near-duplicates.ts';
import { selectBackend } from '../../../main/engine/backends/select.ts';
import { loadMnistDigits } from '../../../main/engine/data/mnist-digits.ts';
import { normal, rng } from '../../../main/engine/seed.ts';

function randomRows(n: number, dim: number, seed: number): Embeddings {
  const g = normal(rng(seed));
  return { x: Float32Array.from({ length: n * dim }, g), n, dim };
}

/** Each query's best reference row by brute force (float64), skipping itself when the sets are one. */
function bruteForce(q: Embeddings, r: Embeddings) {
  const norm = (e: Embeddings, i: number) => Math.hypot(...e.x.subarray(i * e.dim, (i + 1) * e.dim));
  return Array.from({ length: q.n }, (_, i) => {
    let best = -Infinity, match = -1;
    for (let j = 0; j < r.n; j++) {
      if (q === r && i === j) continue;
      let dot = 0;
      for (let k = 0; k < q.dim; k++) dot += q.x[i * q.dim + k] * r.x[j * r.dim + k];
      const s = dot / (norm(q, i) * norm(r, j));
      if (s > best) { best = s; match = j; }
    }
    return { query: i, match, similarity: best };
  });
}

// train: 2,000 digits; test: 300 others, of which 25 are training digits with a little noise
const digits = loadMnistDigits();
const dim = 784;
const train: Embeddings = { x: digits.x.slice(0, 2000 * dim), n: 2000, dim };
const test: Embeddings = { x: digits.x.slice(5000 * dim, 5300 * dim), n: 300, dim };
const planted = new Map<number, number>(); // test row -> its source in train
{
  const g = normal(rng(3));
  for (let k = 0; k < 25; k++) {
    const from = 37 + 79 * k, to = 12 * k + 5;
    for (let p = 0; p < dim; p++) test.x[to * dim + p] = train.x[from * dim + p] + 0.02 * g();
    planted.set(to, from);
  }
}

describe.each(['cpu', 'wasm'] as const)('nearDuplicates on %s', (backend) => {
  beforeAll(async () => { await selectBackend(backend); });

  let exact: ReturnType<typeof nearDuplicates>;

  it('matches every noisy copy to its source, above the threshold, and no other test digit', () => {
    // (the closest unplanted test digit has a training digit at 0.970)
    exact = nearDuplicates(test, train);
    expect(new Map(exact.map((p) => [p.query, p.match]))).toEqual(planted);
    for (const p of exact) expect(p.similarity).toBeGreaterThan(0.99);
    for (let i = 1; i < exact.length; i++) expect(exact[i].similarity).toBeLessThanOrEqual(exact[i - 1].similarity);
  });

  it('finds the same copies through a random projection, with the exact similarity', () => {
    expect(nearDuplicates(test, train, { project: 64, seed: 5 })).toEqual(exact);
  });

  it('never matches a row with itself when the reference is the queries, but does match its copy elsewhere', () => {
    const set = randomRows(100, 32, 7);
    set.x.copyWithin(17 * 32, 3 * 32, 4 * 32); // row 17 = row 3
    const pairs = nearDuplicates(set, set, { chunk: 7 });
    expect(pairs.map((p) => [p.query, p.match])).toEqual([[3, 17], [17, 3]]);
    expect(pairs[0].similarity).toBeCloseTo(1, 12);
    // with no threshold every row gets its best other row
    const all = nearDuplicates(set, set, { threshold: -1, chunk: 7 });
    expect(all).toHaveLength(100);
    for (const p of all) expect(p.match).not.toBe(p.query);
  });

  it('gives the same answer as brute force whatever the chunk size', () => {
    const q = randomRows(61, 24, 8), r = randomRows(150, 24, 9);
    const want = bruteForce(q, r);
    const self = bruteForce(r, r);
    for (const chunk of [1, 7, 64, 4096]) {
      const got = nearDuplicates(q, r, { threshold: -1, chunk });
      expect(got.map((p) => [p.query, p.match])).toEqual(sorted(want).map((p) => [p.query, p.match]));
      got.forEach((p, i) => expect(p.similarity).toBeCloseTo(sorted(want)[i].similarity, 10));
      const gotSelf = nearDuplicates(r, r, { threshold: -1, chunk });
      expect(gotSelf.map((p) => [p.query, p.match])).toEqual(sorted(self).map((p) => [p.query, p.match]));
    }
  });
});

function sorted<T extends { query: number; similarity: number }>(a: T[]): T[] {
  return [...a].sort((x, y) => y.similarity - x.similarity || x.query - y.query);
}
