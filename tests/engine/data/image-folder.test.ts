import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { loadImageFolder } from '../../../main/engine/data/image-folder.ts';
import { tmp } from '../../helpers.ts';

function png(w: number, h: number, value: (x: number, y: number) => number): Buffer {
  const p = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const i = (y * w + x) * 4, v = value(x, y);
    p.data[i] = v; p.data[i + 1] = v; p.data[i + 2] = v; p.data[i + 3] = 255;
  }
  return PNG.sync.write(p);
}

function jpg(w: number, h: number, v: number): Buffer {
  const data = Buffer.alloc(w * h * 4, v);
  return jpeg.encode({ data, width: w, height: h }, 95).data;
}

function folder() {
  const dir = tmp();
  mkdirSync(join(dir, 'cat'));
  mkdirSync(join(dir, 'dog'));
  writeFileSync(join(dir, 'cat', 'a.png'), png(8, 8, () => 200));
  writeFileSync(join(dir, 'cat', 'b.png'), png(4, 4, (x) => (x < 2 ? 0 : 255)));
  writeFileSync(join(dir, 'dog', 'c.jpg'), jpg(6, 6, 50));
  writeFileSync(join(dir, 'dog', 'notes.txt'), 'ignored');
  return dir;
}

describe('image folder loader', () => {
  it('reads PNG and JPEG, one class per sub-folder, resized to one shape', () => {
    const d = loadImageFolder(folder(), { width: 4, height: 4, channels: 1 });
    expect(d.n).toBe(3);
    expect(d.shape).toEqual([4, 4, 1]);
    expect(d.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(d.y)).toEqual([0, 0, 1]);
    expect(d.x[0]).toBeCloseTo(200, 0); // uniform 8x8 image downsampled
    expect(Array.from(d.x.slice(16, 20)).map(Math.round)).toEqual([0, 0, 255, 255]); // a 4x4 row kept as is
    expect(Math.abs(d.x[32] - 50)).toBeLessThan(3); // JPEG is lossy
  });

  it('a folder named like an image (x.png) is skipped, not read', () => {
    const dir = folder();
    mkdirSync(join(dir, 'cat', 'x.png'));
    expect(loadImageFolder(dir, { width: 4, height: 4, channels: 1 }).n).toBe(3);
  });

  it('keeps colour with 3 channels', () => {
    const d = loadImageFolder(folder(), { width: 2, height: 2, channels: 3 });
    expect(d.shape).toEqual([2, 2, 3]);
    expect(d.x.length).toBe(3 * 2 * 2 * 3);
  });

  it('names a corrupt image and a missing or flat folder', () => {
    const dir = folder();
    writeFileSync(join(dir, 'dog', 'broken.png'), Buffer.from('\x89PNG\r\n\x1a\nthis is not really a png'));
    expect(() => loadImageFolder(dir, { width: 4, height: 4, channels: 1 })).toThrow(/broken\.png: not a readable PNG image/);
    expect(() => loadImageFolder(join(dir, 'nope'), { width: 4, height: 4, channels: 1 })).toThrow(/nope: folder not found/);
    expect(() => loadImageFolder(join(dir, 'cat'), { width: 4, height: 4, channels: 1 })).toThrow(/needs one sub-folder per class/);
  });
});
