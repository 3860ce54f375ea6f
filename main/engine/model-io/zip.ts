// A minimal ZIP reader and writer: enough for .keras files (three entries, stored or deflated).
// Written here rather than taken from npm because it is small and the reader must be strict:
// a model file comes from anywhere, so zip64, encryption and zip bombs are refused up front.
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** The 4 bytes every ZIP file (with at least one entry) starts with. */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** A problem with the archive itself; the caller turns it into an InputError naming the file. */
export class ZipError extends Error {}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export interface ZipEntry {
  name: string;
  /** bytes as stored in the archive */
  compressedSize: number;
  /** bytes once inflated, as the central directory claims */
  size: number;
  /** read the entry (inflating it and checking its CRC); `max` lowers the archive's cap for this entry */
  read(max?: number): Uint8Array;
}

/** 2 GB: the most a single entry may inflate to (a model's weights file, not a bomb). */
export const DEFAULT_MAX_ENTRY_SIZE = 2 ** 31 - 1;

/**
 * The entries of a ZIP archive, from its central directory. `maxSize` caps what one entry may
 * inflate to: the cap is applied by zlib while inflating (maxOutputLength), so a lying size field
 * cannot make us allocate more.
 */
export function readZip(bytes: Uint8Array, maxSize = DEFAULT_MAX_ENTRY_SIZE): Map<string, ZipEntry> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // the end-of-central-directory record is in the last 22 + 65535 (comment) bytes
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new ZipError('not a complete ZIP archive (no end of central directory: truncated?)');
  const count = view.getUint16(eocd + 10, true);
  const cdSize = view.getUint32(eocd + 12, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) throw new ZipError('ZIP64 archives are not supported');
  if (cdOffset + cdSize > eocd) throw new ZipError('the ZIP central directory is outside the file (truncated?)');

  const entries = new Map<string, ZipEntry>();
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > eocd || view.getUint32(p, true) !== 0x02014b50) throw new ZipError('the ZIP central directory is damaged');
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const crc = view.getUint32(p + 16, true);
    const compressedSize = view.getUint32(p + 20, true);
    const size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const local = view.getUint32(p + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
    if (flags & 1) throw new ZipError(`"${name}" is encrypted; encrypted archives are not supported`);
    if (compressedSize === 0xffffffff || size === 0xffffffff || local === 0xffffffff) throw new ZipError('ZIP64 archives are not supported');
    if (method !== 0 && method !== 8) throw new ZipError(`"${name}" uses compression method ${method} (only stored and deflated are supported)`);
    entries.set(name, {
      name, compressedSize, size,
      read: (max = maxSize) => {
        if (size > max) throw new ZipError(`"${name}" would inflate to ${size} bytes (at most ${max})`);
        if (local + 30 > bytes.length || view.getUint32(local, true) !== 0x04034b50) throw new ZipError(`"${name}": damaged local header`);
        // the local header's own name/extra lengths may differ from the central directory's
        const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
        if (start + compressedSize > bytes.length) throw new ZipError(`"${name}" is cut short (truncated archive?)`);
        const raw = bytes.subarray(start, start + compressedSize);
        let out: Uint8Array;
        try {
          // one byte more than the claimed size: a stream that inflates past its claim is refused below
          out = method === 0 ? raw : new Uint8Array(inflateRawSync(raw, { maxOutputLength: Math.min(max, size) + 1 }));
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          throw new ZipError(code === 'ERR_BUFFER_TOO_LARGE' ? `"${name}" inflates to more than it claims (${size} bytes)` : `"${name}" cannot be inflated (${(e as Error).message})`);
        }
        if (out.length !== size) throw new ZipError(`"${name}" inflates to ${out.length} bytes, not the ${size} it claims`);
        if (crc32(out) !== crc) throw new ZipError(`"${name}" is damaged (CRC mismatch)`);
        return out;
      },
    });
  }
  return entries;
}

/** A ZIP archive of deflated entries, in the order given. Sizes must stay below 4 GB (no ZIP64). */
export function writeZip(files: { name: string; data: Uint8Array }[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  // DOS date/time 1980-01-01 00:00, as Keras' own zipfile.writestr entries carry (reproducible bytes)
  const dosTime = 0, dosDate = (0 << 9) | (1 << 5) | 1;
  for (const f of files) {
    const name = new TextEncoder().encode(f.name);
    const comp = new Uint8Array(deflateRawSync(f.data));
    const crc = crc32(f.data);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true); // version needed: 2.0 (deflate)
    local.setUint16(6, 0x0800, true); // names are UTF-8
    local.setUint16(8, 8, true);
    local.setUint16(10, dosTime, true);
    local.setUint16(12, dosDate, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, comp.length, true);
    local.setUint32(22, f.data.length, true);
    local.setUint16(26, name.length, true);
    const cd = new DataView(new ArrayBuffer(46));
    cd.setUint32(0, 0x02014b50, true);
    cd.setUint16(4, 20, true);
    cd.setUint16(6, 20, true);
    cd.setUint16(8, 0x0800, true);
    cd.setUint16(10, 8, true);
    cd.setUint16(12, dosTime, true);
    cd.setUint16(14, dosDate, true);
    cd.setUint32(16, crc, true);
    cd.setUint32(20, comp.length, true);
    cd.setUint32(24, f.data.length, true);
    cd.setUint16(28, name.length, true);
    cd.setUint32(42, offset, true);
    chunks.push(new Uint8Array(local.buffer), name, comp);
    central.push(new Uint8Array(cd.buffer), name);
    offset += 30 + name.length + comp.length;
  }
  const cdSize = central.reduce((a, c) => a + c.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, files.length, true);
  end.setUint16(10, files.length, true);
  end.setUint32(12, cdSize, true);
  end.setUint32(16, offset, true);
  const all = [...chunks, ...central, new Uint8Array(end.buffer)];
  const out = new Uint8Array(all.reduce((a, c) => a + c.length, 0));
  let at = 0;
  for (const c of all) { out.set(c, at); at += c.length; }
  return out;
}
