import { describe, expect, it } from 'vitest';
import { writeFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { loadIdx, readIdx } from '../../../main/engine/data/idx.ts';
import { InputError } from '../../../main/engine/errors.ts';
import { tmp } from '../../helpers.ts';

function idx(dims: number[], data: number[]): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data)]);
}

function fixture() {
  const dir = tmp();
  const images = idx([3, 2, 2], [0, 255, 10, 20, 1, 2, 3, 4, 9, 8, 7, 6]);
  const labels = idx([3], [2, 0, 1]);
  writeFileSync(join(dir, 'img'), images);
  writeFileSync(join(dir, 'img.gz'), gzipSync(images));
  writeFileSync(join(dir, 'lab.gz'), gzipSync(labels));
  return { dir, images, labels };
}


const FASHION_2K = join(__dirname, '../../fixtures/fashion-mnist-2k');
describe('IDX loader', () => {
  it('reads raw and gzip files into samples of shape [h, w, 1]', () => {
    const { dir } = fixture();
    for (const f of ['img', 'img.gz']) {
      const d = loadIdx(join(dir, f), join(dir, 'lab.gz'));
      expect(d.n).toBe(3);
      expect(d.shape).toEqual([2, 2, 1]);
      expect(Array.from(d.x.slice(0, 4))).toEqual([0, 255, 10, 20]);
      expect(Array.from(d.y)).toEqual([2, 0, 1]);
      expect(d.classes).toBe(3);
      expect(d.range).toEqual([0, 255]);
    }
  });

  it('says where a file is truncated', () => {
    const { dir, images } = fixture();
    writeFileSync(join(dir, 'short'), images.subarray(0, images.length - 5));
    expect(() => readIdx(join(dir, 'short'))).toThrow(/short: truncated: header declares 3x2x2 \(12 bytes of data\), file holds 7/);
  });

  it('reports corrupt gzip data, bad magic and missing files in one line', () => {
    const { dir } = fixture();
    const gz = gzipSync(idx([3], [1, 2, 3]));
    writeFileSync(join(dir, 'corrupt.gz'), gz.subarray(0, gz.length - 6));
    writeFileSync(join(dir, 'text'), 'hello world, not idx');
    expect(() => readIdx(join(dir, 'corrupt.gz'))).toThrow(/corrupt\.gz: corrupt or truncated gzip data/);
    expect(() => readIdx(join(dir, 'text'))).toThrow(/text: not an IDX file \(bad magic number\)/);
    expect(() => readIdx(join(dir, 'missing'))).toThrow(/missing: file not found/);
    try { readIdx(join(dir, 'text')); } catch (e) { expect(e).toBeInstanceOf(InputError); expect((e as Error).message).not.toContain('\n'); }
  });

  it('refuses images and labels of different lengths, naming both', () => {
    const { dir } = fixture();
    writeFileSync(join(dir, 'lab4'), idx([4], [0, 1, 2, 3]));
    expect(() => loadIdx(join(dir, 'img'), join(dir, 'lab4'))).toThrow(/lab4: holds 4 labels but img holds 3 images/);
    expect(() => loadIdx(join(dir, 'lab4'), join(dir, 'lab4'))).toThrow(/expected images/);
  });

  it('loads real Fashion-MNIST (the committed 2,000-image subset of the test set)', () => {
    const d = loadIdx(join(FASHION_2K, 't2k-images-idx3-ubyte.gz'), join(FASHION_2K, 't2k-labels-idx1-ubyte.gz'));
    expect(d.n).toBe(2000);
    expect(d.shape).toEqual([28, 28, 1]);
    expect(d.classes).toBe(10);
    const perClass = new Array(10).fill(0);
    d.y.forEach((c) => perClass[c]++);
    expect(perClass).toEqual([200, 203, 214, 190, 219, 195, 197, 200, 194, 188]);
  });

  // The full set is a Debian package: CI installs it (TRAINSCOPE_CI=1 makes its absence a failure); a fresh clone may not have it.
  const fashion = '/usr/share/datasets/fashion-mnist';
  it.skipIf(!existsSync(fashion) && !process.env.TRAINSCOPE_CI)('loads the full Fashion-MNIST test set (Debian dataset-fashion-mnist)', () => {
    expect(existsSync(fashion), `${fashion} is missing: apt-get install dataset-fashion-mnist`).toBe(true);
    const d = loadIdx(join(fashion, 't10k-images-idx3-ubyte.gz'), join(fashion, 't10k-labels-idx1-ubyte.gz'));
    expect(d.n).toBe(10000);
    expect(d.shape).toEqual([28, 28, 1]);
    expect(d.classes).toBe(10);
    const perClass = new Array(10).fill(0);
    d.y.forEach((c) => perClass[c]++);
    expect(perClass).toEqual(new Array(10).fill(1000));
  });
});
