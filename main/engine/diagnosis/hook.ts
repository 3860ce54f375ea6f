// The diagnosis as a training hook: it reads every event the run emits, in order, emits its
// findings as they are found (again when they change) and the diagnosis when it changes, and
// ends a run that has diverged.
import type { HookContext, TrainingHook } from '../train/hooks.ts';
import { Diagnoser } from './diagnoser.ts';

export function diagnosisHook(ctx: HookContext): TrainingHook {
  let closed = false; // nothing follows run-end in a log (a failed run's end included)
  const diagnoser = new Diagnoser(
    (finding) => { if (!closed) ctx.emit({ type: 'finding', finding: structuredClone(finding) }); },
    (diagnosis, step) => { if (!closed) ctx.emit({ type: 'diagnosis', step: Math.max(0, step), diagnosis: structuredClone(diagnosis) }); },
  );
  let stopped = false;
  return {
    name: 'diagnosis',
    // the final diagnosis goes out before the run-end event, which closes the log
    onTrainEnd() {
      diagnoser.finish();
      if (diagnoser.diverged && !stopped) { stopped = true; ctx.requestStop('diverged', diagnoser.diverged.reason); }
    },
    onEvent(e) {
      if (e.type === 'finding' || e.type === 'diagnosis') return;
      if (e.type === 'run-end') closed = true;
      diagnoser.ingest(e);
      if (diagnoser.diverged && !stopped) {
        stopped = true;
        ctx.requestStop('diverged', diagnoser.diverged.reason);
      }
    },
  };
}
