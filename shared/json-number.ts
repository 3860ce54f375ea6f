// JSON has no NaN or Infinity: JSON.stringify writes them as null. Schemas that read numbers back
// from JSON (run logs, tool results, host messages) turn null back into NaN instead of failing.
import { z } from 'zod';

// (NaN and +-Infinity are accepted too: zod's number() refuses them, and results in memory hold them)
export const num = z.union([z.custom<number>((v) => typeof v === 'number'), z.null()]).transform((v) => v ?? NaN);

// Run logs and host messages write NaN and +-Infinity as the strings "NaN", "Infinity" and
// "-Infinity" instead, so a replayed run says what the live one said ("the loss became NaN").
const NON_FINITE: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

/** JSON.stringify, with non-finite numbers kept as strings. */
export function stringifyJson(value: unknown, space?: number): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), space);
}

/** A number written by stringifyJson (or null, from plain JSON) back as a number; anything else as it is. */
export function reviveNumber(v: unknown): unknown {
  if (typeof v === 'string' && v in NON_FINITE) return NON_FINITE[v];
  return v === null ? Number.NaN : v;
}

/** Revives every value of a flat record of numbers (metrics), in place. */
export function reviveRecord(r: unknown): void {
  if (!r || typeof r !== 'object') return;
  const o = r as Record<string, unknown>;
  for (const k of Object.keys(o)) if (typeof o[k] === 'string' || o[k] === null) o[k] = reviveNumber(o[k]);
}
