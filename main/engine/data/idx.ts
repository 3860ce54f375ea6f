// MNIST-format IDX files (http://yann.lecun.com/exdb/mnist/): raw or gzip-compressed.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { basename } from 'node:path';
import { InputError } from '../errors.ts';
import type { Dataset } from './dataset.ts';

interface IdxArray { dims: number[]; data: Uint8Array }

function readMaybeGzip(file: string, maxBytes: number): Buffer {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new InputError(file, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message);
  }
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      // (bounded while decompressing: a small file can expand to gigabytes)
      return gunzipSync(buf as unknown as Uint8Array, { maxOutputLength: maxBytes });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) throw new InputError(file, `decompresses to more than ${maxBytes} bytes (data.maxDecodedBytes); raise it if you mean it`);
      throw new InputError(file, `corrupt or truncated gzip data (${(e as Error).message})`);
    }
  }
  return buf;
}

export function readIdx(file: string, maxBytes = 1_000_000_000): IdxArray {
  const buf = readMaybeGzip(file, maxBytes);
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0) {
    throw new InputError(file, 'not an IDX file (bad magic number)');
  }
  if (buf[2] !== 0x08) {
    throw new InputError(file, `IDX data type 0x${buf[2].toString(16)} is not supported (only unsigned bytes, 0x08)`);
  }
  const ndims = buf[3];
  if (ndims < 1 || ndims > 4) throw new InputError(file, `IDX header declares ${ndims} dimensions`);
  const headerLen = 4 + 4 * ndims;
  if (buf.length < headerLen) throw new InputError(file, 'truncated IDX header');
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(buf.readUInt32BE(4 + 4 * i));
  const expected = dims.reduce((a, b) => a * b, 1);
  const have = buf.length - headerLen;
  if (have < expected) {
    throw new InputError(file, `truncated: header declares ${dims.join('x')} (${expected} bytes of data), file holds ${have}`);
  }
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + headerLen, expected) };
}

/** A dataset that holds some rows of its source: their indices there (ascending), and the source's count. */
export type Picked<D> = D & { picked?: { rows: number[]; total: number } };

/**
 * `pick`, given the number of samples in the files, names the rows to keep (data.limit): only
 * those are converted to floats, so a limit bounds the memory a large file takes (4 bytes per
 * input value) rather than being applied after everything is decoded.
 */
export function loadIdx(imagesFile: string, labelsFile: string, classNames?: string[], maxBytes?: number, pick?: (n: number) => number[]): Picked<Dataset> {
  const images = readIdx(imagesFile, maxBytes);
  const labels = readIdx(labelsFile, maxBytes);
  if (images.dims.length < 2) throw new InputError(imagesFile, `expected images (3 dimensions), found ${images.dims.length} dimension(s)`);
  if (labels.dims.length !== 1) throw new InputError(labelsFile, `expected labels (1 dimension), found ${labels.dims.length} dimensions`);
  const n = images.dims[0];
  if (labels.dims[0] !== n) {
    throw new InputError(labelsFile, `holds ${labels.dims[0]} labels but ${basename(imagesFile)} holds ${n} images`);
  }
  const shape = images.dims.length === 2 ? [images.dims[1]] : images.dims.length === 3 ? [images.dims[1], images.dims[2], 1] : images.dims.slice(1);
  // (the classes come from every label, kept or not: a limit must not change the model's output size)
  let maxLabel = 0;
  for (let i = 0; i < n; i++) if (labels.data[i] > maxLabel) maxLabel = labels.data[i];
  const classes = classNames ? classNames.length : maxLabel + 1;
  if (maxLabel >= classes) {
    throw new InputError(labelsFile, `label ${maxLabel} is out of range for ${classes} class names`);
  }
  const rows = pick ? pick(n).slice().sort((a, b) => a - b) : null;
  const size = images.data.length / Math.max(n, 1);
  let x: Float32Array, y: Float32Array;
  if (rows) {
    x = new Float32Array(rows.length * size);
    y = new Float32Array(rows.length);
    rows.forEach((r, k) => { x.set(images.data.subarray(r * size, (r + 1) * size), k * size); y[k] = labels.data[r]; });
  } else {
    x = Float32Array.from(images.data);
    y = Float32Array.from(labels.data);
  }
  return {
    x, y, n: rows ? rows.length : n, shape, classes, classNames: classNames ?? null,
    range: [0, 255], source: basename(imagesFile),
    ...(rows ? { picked: { rows, total: n } } : {}),
  };
}
