// The ZIP reader/writer .keras files go through: round trips, stored entries (as Keras writes
// them), and the archives it must refuse (truncated, zip64, encrypted, bombs, damaged data).
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, isZip, readZip, writeZip, ZipError } from '../../../main/engine/model-io/zip.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** An archive of stored (uncompressed) entries, as Python's zipfile writes .keras files. */
function storedZip(files: { name: string; data: Uint8Array }[]): Uint8Array {
  const parts: number[] = [], central: number[] = [];
  const u16 = (a: number[], v: number) => a.push(v & 0xff, (v >>> 8) & 0xff);
  const u32 = (a: number[], v: number) => { u16(a, v & 0xffff); u16(a, v >>> 16); };
  for (const f of files) {
    const name = enc(f.name), offset = parts.length, crc = crc32(f.data);
    for (const [a, sig] of [[parts, 0x04034b50], [central, 0x02014b50]] as const) {
      u32(a, sig);
      if (a === central) u16(a, 20);
      u16(a, 20); u16(a, 0); u16(a, 0); u16(a, 0); u16(a, 0x21);
      u32(a, crc); u32(a, f.data.length); u32(a, f.data.length); u16(a, name.length); u16(a, 0);
      if (a === central) { u16(a, 0); u16(a, 0); u16(a, 0); u32(a, 0); u32(a, offset); }
      a.push(...name);
      if (a === parts) a.push(...f.data);
    }
  }
  const end: number[] = [];
  u32(end, 0x06054b50); u16(end, 0); u16(end, 0); u16(end, files.length); u16(end, files.length);
  u32(end, central.length); u32(end, parts.length); u16(end, 0);
  return Uint8Array.from([...parts, ...central, ...end]);
}

describe('zip', () => {
  it('round-trips deflated entries, and reads stored ones', () => {
    const files = [{ name: 'metadata.json', data: enc('{"keras_version": "3.9.2"}') }, { name: 'model.weights.h5', data: Uint8Array.from({ length: 5000 }, (_, i) => i % 7) }];
    for (const bytes of [writeZip(files), storedZip(files)]) {
      expect(isZip(bytes)).toBe(true);
      const z = readZip(bytes);
      expect([...z.keys()]).toEqual(['metadata.json', 'model.weights.h5']);
      expect(dec(z.get('metadata.json')!.read())).toBe('{"keras_version": "3.9.2"}');
      expect(z.get('model.weights.h5')!.read()).toEqual(files[1].data);
    }
  });

  it('computes the standard CRC-32', () => {
    expect(crc32(enc('123456789'))).toBe(0xcbf43926);
  });

  it('refuses a truncated archive', () => {
    const bytes = writeZip([{ name: 'config.json', data: enc('{}'.repeat(100)) }]);
    expect(() => readZip(bytes.subarray(0, bytes.length - 10))).toThrow(new ZipError('not a complete ZIP archive (no end of central directory: truncated?)'));
    expect(() => readZip(bytes.subarray(0, 20))).toThrow(ZipError);
  });

  it('refuses zip64 and encrypted archives', () => {
    const bytes = writeZip([{ name: 'a', data: enc('x') }]);
    const zip64 = bytes.slice();
    zip64.set([0xff, 0xff], zip64.length - 22 + 10); // entry count 0xffff: the real one is in the zip64 record
    expect(() => readZip(zip64)).toThrow(new ZipError('ZIP64 archives are not supported'));
    const encrypted = bytes.slice();
    const cd = new DataView(encrypted.buffer).getUint32(encrypted.length - 22 + 16, true);
    encrypted[cd + 8] |= 1;
    expect(() => readZip(encrypted)).toThrow(new ZipError('"a" is encrypted; encrypted archives are not supported'));
  });

  it('caps what an entry may inflate to (a zip bomb does not fill memory)', () => {
    const bomb = writeZip([{ name: 'model.weights.h5', data: new Uint8Array(20e6) }]);
    expect(bomb.length).toBeLessThan(100_000);
    expect(() => readZip(bomb, 1e6).get('model.weights.h5')!.read()).toThrow(new ZipError('"model.weights.h5" would inflate to 20000000 bytes (at most 1000000)'));
    expect(() => readZip(bomb).get('model.weights.h5')!.read(1000)).toThrow(/at most 1000\)/);
    // a size field that lies: zlib stops one byte past the claim
    const liar = bomb.slice();
    const view = new DataView(liar.buffer);
    const cd = view.getUint32(liar.length - 22 + 16, true);
    view.setUint32(cd + 24, 100, true);
    expect(() => readZip(liar).get('model.weights.h5')!.read()).toThrow(new ZipError('"model.weights.h5" inflates to more than it claims (100 bytes)'));
  });

  it('refuses damaged data', () => {
    const data = enc('{"class_name": "Sequential"}'.repeat(20));
    const bytes = writeZip([{ name: 'config.json', data }]);
    const flipped = bytes.slice();
    flipped[30 + 11 + 4] ^= 0xff; // inside the deflated data (after the local header and the name)
    expect(() => readZip(flipped).get('config.json')!.read()).toThrow(ZipError);
    const stored = storedZip([{ name: 'config.json', data }]);
    stored[45] ^= 1;
    expect(() => readZip(stored).get('config.json')!.read()).toThrow(new ZipError('"config.json" is damaged (CRC mismatch)'));
    expect(deflateRawSync(data).length).toBeLessThan(data.length);
  });
});
