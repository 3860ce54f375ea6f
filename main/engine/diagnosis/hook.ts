// The diagnosis as a training hook: it reads every event the run emits, in order, emits its
// findings as they are found (again when they change) and the diagnosis when it changes, and
// ends a run that has diverged.
import type { HookContext, TrainingHook } from '../train/hooks.ts';
import { Diagnoser } from './diagnoser.ts';

export function diagnosisHook(ctx: HookContext): TrainingHook {
  const diagnoser = new Diagnoser(
    (finding) => ctx.emit({ type: 'finding', finding: structuredClone(finding) }),
    (diagnosis, step) => ctx.emit({ type: 'diagnosis', step: Math.max(0, step), diagnosis: structuredClone(diagnosis) }),
  );
  let stopped = false;
  return {
    name: 'diagnosis',
    onEvent(e) {
      if (e.type === 'finding' || e.type === 'diagnosis') return;
      diagnoser.ingest(e);
      if (diagnoser.diverged && !stopped) {
        stopped = true;
        ctx.requestStop('diverged', diagnoser.diverged.reason);
      }
    },
  };
}
