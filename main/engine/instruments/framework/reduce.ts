// One collection's reductions: every active instrument's payload from the same numbers. Pure, so
// the statistics worker and the training thread produce the same payloads. One instrument that
// fails does not cost the others theirs: its error is returned beside them.
import type { Payloads } from '../../../../shared/instruments/framework/define.ts';
import type { EngineInstrument, ReduceContext, ReduceInput, Reads } from './instrument.ts';

export interface Reduced {
  step: number;
  epoch: number;
  payloads: Payloads;
  /** instruments whose reduction failed, with why */
  errors: { instrument: string; message: string }[];
}

export function reduceAll(instruments: readonly EngineInstrument[], ctx: ReduceContext, input: ReduceInput): Reduced {
  const payloads: Payloads = {};
  const errors: Reduced['errors'] = [];
  for (const i of instruments) {
    if (!i.reduce) continue;
    const id = i.definition.id;
    try {
      payloads[id] = { v: i.definition.version, data: i.reduce(input, ctx, ctx.options[id] as never) };
    } catch (e) {
      errors.push({ instrument: id, message: (e as Error).message });
    }
  }
  return { step: input.step, epoch: input.epoch, payloads, errors };
}

/** What a collection must read back for these instruments together. */
export function readsOf(instruments: readonly EngineInstrument[]): Required<Reads> {
  const r = { gradients: false, weights: false, before: false, probe: false };
  for (const i of instruments) {
    if (!i.reduce) continue;
    for (const k of Object.keys(r) as (keyof Reads)[]) r[k] ||= !!i.reads?.[k];
  }
  return r;
}
