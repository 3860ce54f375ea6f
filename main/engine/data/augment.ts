// Training-time augmentation on a batch buffer, in place: flips and shifts for images,
// gaussian noise for anything. Drawn from the run's seeded generator.
import type { RunSpec } from '../../../shared/spec.ts';
import { normal } from '../seed.ts';
import { isImageShape } from './dataset.ts';

export type AugmentSpec = RunSpec['data']['augment'];

export function isAugmenting(a: AugmentSpec): boolean {
  return a.gaussianNoise > 0 || a.flipHorizontal || a.flipVertical || a.shift > 0;
}

export function augmentBatch(buf: Float32Array, count: number, shape: number[], a: AugmentSpec, rand: () => number) {
  const size = shape.reduce((x, y) => x * y, 1);
  if (isImageShape(shape) && (a.flipHorizontal || a.flipVertical || a.shift > 0)) {
    const [h, w, c] = shape;
    const tmp = new Float32Array(size);
    for (let s = 0; s < count; s++) {
      const fh = a.flipHorizontal && rand() < 0.5, fv = a.flipVertical && rand() < 0.5;
      const dx = a.shift ? Math.floor(rand() * (2 * a.shift + 1)) - a.shift : 0;
      const dy = a.shift ? Math.floor(rand() * (2 * a.shift + 1)) - a.shift : 0;
      if (!fh && !fv && !dx && !dy) continue;
      const img = buf.subarray(s * size, (s + 1) * size);
      tmp.fill(0);
      for (let y = 0; y < h; y++) {
        const sy = (fv ? h - 1 - y : y) - dy;
        if (sy < 0 || sy >= h) continue;
        for (let x = 0; x < w; x++) {
          const sx = (fh ? w - 1 - x : x) - dx;
          if (sx < 0 || sx >= w) continue;
          for (let k = 0; k < c; k++) tmp[(y * w + x) * c + k] = img[(sy * w + sx) * c + k];
        }
      }
      img.set(tmp);
    }
  }
  if (a.gaussianNoise > 0) {
    const g = normal(rand);
    for (let i = 0; i < count * size; i++) buf[i] += a.gaussianNoise * g();
  }
}
