// What an instrument is, in the part every process shares: its id, its title, the version of its
// payload format, its section of the spec's `instruments` options and the schema of its payload.
// The engine adds what it reads back and how it reduces it (main/engine/instruments/framework),
// the renderer its views and its packing for the run library (renderer/src/instruments/framework).
import { z } from 'zod';

/** One instrument's numbers at one collection: its format version and its data. */
export interface Payload { v: number; data: unknown }
/** A collection's payloads, keyed by instrument id: transport and storage never look inside. */
export type Payloads = Record<string, Payload>;

/** The section of the spec every instrument has, whatever else it declares. */
const commonOptions = {
  enabled: z.boolean().default(true).describe('record this instrument (false: it costs nothing and its views stay empty)'),
};

export interface InstrumentDefinition<
  Id extends string = string,
  O extends z.ZodObject = z.ZodObject,
  P extends z.ZodType = z.ZodType,
> {
  readonly id: Id;
  /** its name in the app's tabs and the README */
  readonly title: string;
  /** one line: what it records */
  readonly description: string;
  /** the payload format's version: bump it whenever `data` changes shape */
  readonly version: number;
  /** its section of the spec's `instruments`, every field with a default */
  readonly options: O;
  /** the payload of one collection; absent for instruments that record events of their own */
  readonly payload?: P;
  /** the payload of its records outside collections (`instrument` events), same version */
  readonly records?: z.ZodType;
  /** reads a payload written by an older version of this instrument (version `v`) */
  readonly upgrade?: (v: number, data: unknown) => z.output<P>;
}

export type OptionsOf<D extends InstrumentDefinition> = z.output<D['options']>;
export type PayloadOf<D extends InstrumentDefinition> = NonNullable<D['payload']> extends z.ZodType ? z.output<NonNullable<D['payload']>> : never;

export function defineInstrument<const Id extends string, S extends z.ZodRawShape, P extends z.ZodType = z.ZodNever>(d: {
  id: Id;
  title: string;
  description: string;
  version: number;
  options: S;
  payload?: P;
  records?: z.ZodType;
  upgrade?: (v: number, data: unknown) => z.output<P>;
}) {
  return { ...d, options: z.strictObject({ ...commonOptions, ...d.options }).describe(d.description) };
}

export type PayloadRead<T> =
  | { status: 'ok'; data: T }
  | { status: 'absent' }
  /** written by a newer Trainscope: reported, never guessed at */
  | { status: 'newer'; v: number };

/**
 * One instrument's payload out of a collection. Payloads of older versions are upgraded when the
 * instrument knows how; newer ones are reported. `validate` checks the data against the schema
 * (for input from files); events from our own engine skip it.
 */
export function readPayload<D extends InstrumentDefinition>(
  payloads: Payloads | undefined, def: D, validate = false,
): PayloadRead<PayloadOf<D>> {
  const p = payloads?.[def.id];
  if (!p) return { status: 'absent' };
  if (p.v > def.version) return { status: 'newer', v: p.v };
  let data = p.v < def.version && def.upgrade ? def.upgrade(p.v, p.data) : p.data;
  if (validate && def.payload) data = def.payload.parse(data);
  return { status: 'ok', data: data as PayloadOf<D> };
}

/** The data of one instrument's payload, or null when the collection has none this version can read. */
export function payloadData<D extends InstrumentDefinition>(payloads: Payloads | undefined, def: D): PayloadOf<D> | null {
  const r = readPayload(payloads, def);
  return r.status === 'ok' ? r.data : null;
}
