// A thin wrapper over h5wasm for the little of HDF5 that Keras files use: groups, float32
// datasets and string attributes. h5wasm works on files only, so bytes held in memory go through a
// temporary file that is deleted after. Everything is read while the file is open and handed out
// as plain values, so no h5wasm object outlives its file.
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';

/** The 8-byte signature every HDF5 file starts with (at offset 0 for the files Keras writes). */
export const HDF5_MAGIC = Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

export function isHdf5(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && HDF5_MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * Why these HDF5 bytes cannot be a whole file, or null. The superblock records the file's end
 * address: a shorter file was cut off (an interrupted download or copy). Checked before opening,
 * since HDF5 would print its error stack and h5wasm would hand back an unusable file.
 */
export function hdf5Truncation(bytes: Uint8Array): string | null {
  if (!isHdf5(bytes) || bytes.length < 12) return 'no HDF5 signature';
  const version = bytes[8];
  const offsets = version <= 1 ? bytes[13] : bytes[9];
  const at = version === 0 ? 24 + 2 * offsets : version === 1 ? 28 + 2 * offsets : 12 + 2 * offsets;
  if (![2, 4, 8].includes(offsets) || bytes.length < at + offsets) return 'the HDF5 superblock is cut short';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eof = offsets === 8 ? Number(view.getBigUint64(at, true)) : offsets === 4 ? view.getUint32(at, true) : view.getUint16(at, true);
  return eof > bytes.length ? `the file is truncated: ${bytes.length} of its ${eof} bytes` : null;
}

export interface H5Dataset {
  /** h5wasm's dtype, e.g. "<f" for float32, "<d" for float64 */
  dtype: string;
  shape: number[];
  /** the values when the dataset is float32, else null (the caller names the problem) */
  values: Float32Array | null;
}

/** Read access to an open file; paths are absolute within the file ("/model_weights/dense"). */
export interface H5Reader {
  has(path: string): boolean;
  isGroup(path: string): boolean;
  /** member names of a group, in HDF5's order (alphabetical unless the file tracks creation order) */
  keys(path: string): string[];
  /** a string attribute (bytes decoded as UTF-8), null when absent or not text */
  stringAttr(path: string, name: string): string | null;
  /** an attribute holding an array of strings (legacy .h5 `layer_names`, `weight_names`) */
  stringsAttr(path: string, name: string): string[] | null;
  attrNames(path: string): string[];
  dataset(path: string): H5Dataset | null;
}

let ready: Promise<unknown> | null = null;
async function init() {
  ready ??= h5wasm.ready;
  await ready;
}

function text(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v).replace(/\0+$/, '');
  return null;
}

function reader(f: InstanceType<typeof h5wasm.File>): H5Reader {
  const entity = (path: string) => (path === '/' ? f : f.get(path));
  const attr = (path: string, name: string) => {
    const e = entity(path) as { attrs?: Record<string, { value: unknown }> } | null;
    return e?.attrs && name in e.attrs ? e.attrs[name].value : undefined;
  };
  return {
    has: (path) => entity(path) != null,
    isGroup: (path) => entity(path) instanceof h5wasm.Group,
    keys: (path) => {
      const g = entity(path);
      return g instanceof h5wasm.Group ? g.keys() : [];
    },
    attrNames: (path) => Object.keys((entity(path) as { attrs?: object } | null)?.attrs ?? {}),
    stringAttr: (path, name) => {
      const v = attr(path, name);
      return text(Array.isArray(v) && v.length === 1 ? v[0] : v);
    },
    stringsAttr: (path, name) => {
      const v = attr(path, name);
      if (v === undefined) return null;
      // h5py writes an empty list (a layer without weights) as an empty float array
      if (ArrayBuffer.isView(v) && (v as Float32Array).length === 0) return [];
      const list = Array.isArray(v) ? v.map(text) : [text(v)];
      return list.every((s) => s !== null) ? (list as string[]) : null;
    },
    dataset: (path) => {
      const d = entity(path);
      if (!(d instanceof h5wasm.Dataset)) return null;
      const dtype = typeof d.dtype === 'string' ? d.dtype : JSON.stringify(d.dtype);
      const shape = d.shape ?? [];
      const v = dtype === '<f' ? d.value : null;
      return { dtype, shape, values: v instanceof Float32Array ? v : null };
    },
  };
}

/** Opens an HDF5 file for reading, runs `fn`, and closes it (also when `fn` throws). */
export async function withH5File<T>(path: string, fn: (r: H5Reader) => T): Promise<T> {
  await init();
  const f = new h5wasm.File(path, 'r');
  // h5wasm does not throw when HDF5 cannot open a file: it returns a file with an invalid id
  if (f.file_id < 0n) throw new Error('HDF5 cannot open the file');
  try {
    return fn(reader(f));
  } finally {
    f.close();
  }
}

/** As withH5File, for bytes held in memory (an upload, a zip entry). */
export async function withH5Bytes<T>(bytes: Uint8Array, fn: (r: H5Reader) => T): Promise<T> {
  const cut = hdf5Truncation(bytes);
  if (cut) throw new Error(cut);
  const tmp = join(tmpdir(), `trainscope-${randomUUID()}.h5`);
  writeFileSync(tmp, bytes);
  try {
    return await withH5File(tmp, fn);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Write access: parents of a path are created as needed. */
export interface H5Writer {
  group(path: string): void;
  dataset(path: string, values: Float32Array, shape: number[]): void;
  /** a variable-length UTF-8 string attribute, or an array of them */
  attr(path: string, name: string, value: string | string[]): void;
}

function writer(f: InstanceType<typeof h5wasm.File>): H5Writer {
  const group = (path: string) => {
    let at = '';
    for (const part of path.split('/').filter(Boolean)) {
      at += `/${part}`;
      if (f.get(at) == null) f.create_group(at);
    }
  };
  const parent = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/';
  return {
    group,
    dataset: (path, values, shape) => {
      group(parent(path));
      f.create_dataset({ name: path, data: values, shape, dtype: '<f' });
    },
    attr: (path, name, value) => {
      const e = (path === '/' ? f : f.get(path)) as InstanceType<typeof h5wasm.Group>;
      e.create_attribute(name, value);
    },
  };
}

/** Creates (or truncates) an HDF5 file and fills it with `fn`. */
export async function writeH5File(path: string, fn: (w: H5Writer) => void): Promise<void> {
  await init();
  const f = new h5wasm.File(path, 'w');
  try {
    fn(writer(f));
  } finally {
    f.close();
  }
}

/** As writeH5File, returning the bytes (for a zip entry). */
export async function writeH5Bytes(fn: (w: H5Writer) => void): Promise<Uint8Array> {
  const tmp = join(tmpdir(), `trainscope-${randomUUID()}.h5`);
  try {
    await writeH5File(tmp, fn);
    return new Uint8Array(readFileSync(tmp));
  } finally {
    rmSync(tmp, { force: true });
  }
}
