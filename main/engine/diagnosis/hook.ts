// The diagnosis as a training hook: it reads every event the run emits, in order, and emits its
// findings as they are found.
import type { HookContext, TrainingHook } from '../train/hooks.ts';
import { Diagnoser } from './diagnoser.ts';

export function diagnosisHook(ctx: HookContext): TrainingHook {
  const diagnoser = new Diagnoser((finding) => ctx.emit({ type: 'finding', finding }));
  return {
    name: 'diagnosis',
    onEvent(e) { if (e.type !== 'finding') diagnoser.ingest(e); },
  };
}
