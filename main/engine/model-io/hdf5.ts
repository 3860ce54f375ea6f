// A thin wrapper over h5wasm for the little of HDF5 that Keras files use: groups, float32
// datasets and string attributes. Every file is opened inside h5wasm's own in-memory file system,
// holding only the bytes given: a hostile file's external storage, external links or virtual
// datasets then name files that do not exist there, and cannot read this machine's files into the
// weights (h5wasm's Node build opens the real disk). Everything is read while the file is open and
// handed out as plain values, so no h5wasm object outlives its file.
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type * as H5 from 'h5wasm';

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
  /**
   * The values when the dataset is float32, else null (the caller names the problem). Read when
   * asked, while the file is open: a caller checks the shape first, so a dataset that declares a
   * billion values is refused before any of them is read.
   */
  readonly values: Float32Array | null;
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

interface MemFs { writeFile(path: string, data: Uint8Array): void; readFile(path: string): Uint8Array; unlink(path: string): void }
let h5wasm: typeof H5;
let ready: Promise<MemFs> | null = null;
/** Where HDF5's error reports go while `checked` runs (else to the console). */
let reportSink: ((line: string) => void) | null = null;
/**
 * Loads h5wasm (its ES module build: an in-memory file system, nothing of the real disk). The
 * module keeps the console.error it finds when it starts, so it gets one that `checked` can
 * listen through.
 */
async function init(): Promise<MemFs> {
  ready ??= (async () => {
    const original = console.error;
    console.error = (...args: unknown[]) => { if (reportSink) reportSink(args.map(String).join(' ')); else original(...args); };
    try {
      h5wasm = await import('h5wasm');
      const m = await h5wasm.ready;
      return (h5wasm as unknown as { FS: MemFs | null }).FS ?? (m as unknown as { FS: MemFs }).FS;
    } finally {
      console.error = original;
    }
  })();
  return ready;
}

function text(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v).replace(/\0+$/, '');
  return null;
}

function reader(f: H5.File): H5Reader {
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
      let read: Float32Array | null | undefined;
      return {
        dtype, shape,
        get values() {
          if (read === undefined) { const v = dtype === '<f' ? d.value : null; read = v instanceof Float32Array ? v : null; }
          return read;
        },
      };
    },
  };
}

/**
 * Runs synchronous h5wasm work with HDF5's error reports caught. HDF5 does not throw: it prints
 * its error stack (console.error in h5wasm) and h5wasm hands back what the buffer held, e.g. for
 * a dataset whose storage is outside the file. Any report fails the work, with HDF5's reason.
 */
function checked<T>(work: () => T): T {
  const reports: string[] = [];
  reportSink = (line) => reports.push(line);
  let out: T;
  try {
    out = work();
  } finally {
    reportSink = null;
  }
  if (reports.some((r) => r.startsWith('HDF5-DIAG'))) {
    const minor = reports.map((r) => /^\s*minor: (.*)$/.exec(r)?.[1]).filter(Boolean).at(-1);
    throw new Error(`HDF5 could not read it${minor ? ` (${minor.toLowerCase()})` : ''}: a dataset stored outside the file, a link to another file, or damage`);
  }
  return out;
}

/** Opens the HDF5 bytes for reading in memory, runs `fn`, and closes them (also when `fn` throws). */
export async function withH5Bytes<T>(bytes: Uint8Array, fn: (r: H5Reader) => T): Promise<T> {
  const cut = hdf5Truncation(bytes);
  if (cut) throw new Error(cut);
  const fs = await init();
  const name = `/in-${randomUUID()}.h5`;
  fs.writeFile(name, bytes);
  try {
    return checked(() => {
      const f = new h5wasm.File(name, 'r');
      // h5wasm does not throw when HDF5 cannot open a file: it returns a file with an invalid id
      if (f.file_id < 0n) throw new Error('HDF5 cannot open the file');
      try {
        return fn(reader(f));
      } finally {
        f.close();
      }
    });
  } finally {
    fs.unlink(name);
  }
}

/** As withH5Bytes, for a file on disk (its bytes are read first: HDF5 never opens the path itself). */
export async function withH5File<T>(path: string, fn: (r: H5Reader) => T): Promise<T> {
  return withH5Bytes(new Uint8Array(readFileSync(path)), fn);
}

/** Write access: parents of a path are created as needed. */
export interface H5Writer {
  group(path: string): void;
  dataset(path: string, values: Float32Array, shape: number[]): void;
  /** a variable-length UTF-8 string attribute, or an array of them */
  attr(path: string, name: string, value: string | string[]): void;
}

function writer(f: H5.File): H5Writer {
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
      const e = (path === '/' ? f : f.get(path)) as H5.Group;
      e.create_attribute(name, value);
    },
  };
}

/** Builds an HDF5 file in memory with `fn` and returns its bytes (for a zip entry, or a file). */
export async function writeH5Bytes(fn: (w: H5Writer) => void): Promise<Uint8Array> {
  const fs = await init();
  const name = `/out-${randomUUID()}.h5`;
  try {
    checked(() => {
      const f = new h5wasm.File(name, 'w');
      try {
        fn(writer(f));
      } finally {
        f.close();
      }
    });
    return new Uint8Array(fs.readFile(name));
  } finally {
    try { fs.unlink(name); } catch { /* never created */ }
  }
}

/** Creates (or replaces) an HDF5 file on disk and fills it with `fn`. */
export async function writeH5File(path: string, fn: (w: H5Writer) => void): Promise<void> {
  writeFileSync(path, await writeH5Bytes(fn));
}
