// A collection's payloads packed for the run library and for the views: each known instrument's
// numbers back to back in one Float32Array (each extra typed array per IndexedDB record costs
// structured-clone time), with an index of which instrument's numbers sit where. Payloads no
// instrument here can read (another instrument, a newer version) are kept as they came and
// reported, never misread. Packing happens once per event, whoever asks first.
import { readPayload, type Payload, type Payloads } from '../../../../shared/instruments/framework/define.ts';
import type { CollectionEvent } from '../../../../shared/events.ts';
import { RENDERER_INSTRUMENTS } from '../registry.ts';
import type { RendererInstrument } from './instrument.ts';
import type { RunLayout } from './layout.ts';

export interface PackedCollection {
  epoch: number;
  costMs: number;
  /** instrument ids, in the order their numbers sit in `f` */
  ids: string[];
  /** each one's packed-layout version (RendererInstrument.packVersion) */
  versions: number[];
  /** where each one's numbers start in `f`; one more entry: the end */
  offsets: number[];
  f: Float32Array;
  /** payloads that could not be packed here, as they came */
  raw?: Payloads;
}

export interface PackResult { packed: PackedCollection; problems: string[] }

const byId = new Map<string, RendererInstrument>(RENDERER_INSTRUMENTS.map((i) => [i.definition.id, i]));

export function rendererInstrument(id: string): RendererInstrument | undefined {
  return byId.get(id);
}

/** Why a payload is kept as it came rather than shown. */
export function whyUnreadable(id: string, payload: Payload): string {
  const inst = byId.get(id);
  if (!inst) return `${id}: recorded by an instrument this Trainscope does not know; kept in the library, not shown`;
  if (payload.v > inst.definition.version) return `${id}: recorded by a newer Trainscope (format v${payload.v}, this one reads up to v${inst.definition.version}); kept in the library, not shown`;
  return `${id}: this instrument records no collection numbers; kept in the library, not shown`;
}

const memo = new WeakMap<object, PackResult>();

export function packCollection(e: Pick<CollectionEvent, 'epoch' | 'costMs' | 'payloads'>, layout: RunLayout): PackResult {
  const hit = memo.get(e);
  if (hit) return hit;
  const problems: string[] = [];
  let raw: Payloads | undefined;
  const keep = (id: string, why: string) => { (raw ??= {})[id] = e.payloads[id]; problems.push(why); };
  const parts: { id: string; inst: RendererInstrument; data: unknown; size: number }[] = [];
  for (const [id, payload] of Object.entries(e.payloads ?? {})) {
    const inst = byId.get(id);
    const r = inst?.pack && inst.packedSize ? readPayload({ [id]: payload }, inst.definition) : null;
    if (!inst || !r || r.status !== 'ok') keep(id, whyUnreadable(id, payload));
    else parts.push({ id, inst, data: r.data, size: inst.packedSize!(layout) });
  }
  // One buffer for every instrument: each packs into its own view of it. Data that does not have
  // the shape its version promises (a damaged or foreign log) is kept as it came, not shown.
  const packs = (f: Float32Array, list: typeof parts) => {
    let o = 0;
    for (const p of list) { p.inst.pack!(p.data as never, layout, f.subarray(o, o + p.size)); o += p.size; }
  };
  const bufferOf = (list: typeof parts) => new Float32Array(list.reduce((a, p) => a + p.size, 0));
  let f = bufferOf(parts);
  try {
    packs(f, parts);
  } catch {
    const good = parts.filter((p) => {
      try { p.inst.pack!(p.data as never, layout, new Float32Array(p.size)); return true; } catch (err) {
        keep(p.id, `${p.id}: its numbers could not be read (${(err as Error).message}); kept in the library, not shown`);
        return false;
      }
    });
    parts.splice(0, parts.length, ...good);
    f = bufferOf(parts);
    packs(f, parts);
  }
  const offsets = [0];
  for (const p of parts) offsets.push(offsets[offsets.length - 1] + p.size);
  const packed: PackedCollection = {
    epoch: e.epoch, costMs: e.costMs, ids: parts.map((p) => p.id), versions: parts.map((p) => p.inst.packVersion ?? 1), offsets, f,
    ...(raw ? { raw } : {}),
  };
  const result = { packed, problems };
  memo.set(e, result);
  return result;
}

/** Each packed instrument's numbers (views on `f`), with the reason when one cannot be read here. */
export function* unpackCollection(p: PackedCollection): Generator<{ inst: RendererInstrument; f: Float32Array } | { problem: string }> {
  for (let i = 0; i < p.ids.length; i++) {
    const inst = byId.get(p.ids[i]);
    if (!inst) { yield { problem: `${p.ids[i]}: an instrument this Trainscope does not know` }; continue; }
    if ((inst.packVersion ?? 1) !== p.versions[i]) { yield { problem: `${p.ids[i]}: stored in layout v${p.versions[i]}, this Trainscope reads v${inst.packVersion ?? 1}: import the run folder again` }; continue; }
    yield { inst, f: p.f.subarray(p.offsets[i], p.offsets[i + 1]) };
  }
}
