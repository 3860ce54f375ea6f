// A folder of images with one sub-folder per class (PNG or JPEG), resized to one size.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, basename } from 'node:path';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { InputError } from '../errors.ts';
import type { Dataset } from './dataset.ts';

const IMAGE = /\.(png|jpe?g)$/i;

interface Rgba { width: number; height: number; data: Uint8Array }

function decode(file: string): Rgba {
  const buf = readFileSync(file);
  try {
    if (/\.png$/i.test(file)) {
      const p = PNG.sync.read(buf);
      return { width: p.width, height: p.height, data: p.data as unknown as Uint8Array };
    }
    const j = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 256 });
    return { width: j.width, height: j.height, data: j.data };
  } catch (e) {
    throw new InputError(file, `not a readable ${/\.png$/i.test(file) ? 'PNG' : 'JPEG'} image (${(e as Error).message})`);
  }
}

/** Bilinear resize of an RGBA image into `out` (height x width x channels), pixel values 0..255. */
function resizeInto(img: Rgba, width: number, height: number, channels: 1 | 3, out: Float32Array, offset: number) {
  const sx = img.width / width, sy = img.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(img.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy), y1 = Math.min(img.height - 1, y0 + 1), wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(img.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx), x1 = Math.min(img.width - 1, x0 + 1), wx = fx - x0;
      const px = (c: number) => {
        const a = img.data[(y0 * img.width + x0) * 4 + c], b = img.data[(y0 * img.width + x1) * 4 + c];
        const d = img.data[(y1 * img.width + x0) * 4 + c], e = img.data[(y1 * img.width + x1) * 4 + c];
        return (a * (1 - wx) + b * wx) * (1 - wy) + (d * (1 - wx) + e * wx) * wy;
      };
      const o = offset + (y * width + x) * channels;
      if (channels === 3) { out[o] = px(0); out[o + 1] = px(1); out[o + 2] = px(2); } else {
        out[o] = 0.299 * px(0) + 0.587 * px(1) + 0.114 * px(2);
      }
    }
  }
}

export interface ImageFolderOptions { width: number; height: number; channels: 1 | 3; classNames?: string[] | null }

export function loadImageFolder(dir: string, opts: ImageFolderOptions): Dataset {
  let entries: string[];
  try {
    entries = readdirSync(dir).filter((e) => statSync(join(dir, e)).isDirectory()).sort();
  } catch (e) {
    throw new InputError(dir, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'folder not found' : (e as Error).message);
  }
  const classNames = opts.classNames ?? entries;
  if (!opts.classNames && classNames.length < 2) {
    throw new InputError(dir, `needs one sub-folder per class (at least 2), found ${classNames.length}`);
  }
  const files: { file: string; label: number }[] = [];
  for (const cls of entries) {
    const label = classNames.indexOf(cls);
    if (label < 0) throw new InputError(join(dir, cls), `class "${cls}" is not among the training classes (${classNames.join(', ')})`);
    // (only files: a folder named x.png is not an image)
    for (const f of readdirSync(join(dir, cls)).sort()) if (IMAGE.test(f) && statSync(join(dir, cls, f)).isFile()) files.push({ file: join(dir, cls, f), label });
  }
  if (!files.length) throw new InputError(dir, 'no PNG or JPEG images in the class folders');
  const size = opts.width * opts.height * opts.channels;
  const x = new Float32Array(files.length * size);
  const y = new Float32Array(files.length);
  files.forEach(({ file, label }, i) => {
    resizeInto(decode(file), opts.width, opts.height, opts.channels, x, i * size);
    y[i] = label;
  });
  return {
    x, y, n: files.length, shape: [opts.height, opts.width, opts.channels], classes: classNames.length,
    classNames, range: [0, 255], source: basename(dir),
  };
}
