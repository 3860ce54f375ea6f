// The overfit check's result in one line: pass with the loss it reached, or fail with the likely reason.
import type { OverfitResult } from '../../../../shared/tools/overfit/definition.ts';
import type { Verdict } from '../framework/tool.ts';

const loss = (v: number | null) => (v !== null && Number.isFinite(v) ? v.toFixed(4) : 'not finite');

export function overfitVerdict(r: OverfitResult): Verdict {
  if (r.passed) return { ok: true, text: `PASS: the model fits ${r.samples} samples (loss ${loss(r.initialLoss)} → ${loss(r.finalLoss)} in ${r.steps} steps)` };
  const why = r.reason ? r.reason.replace(/_/g, ' ') : 'the loss did not fall far enough';
  return { ok: false, text: `FAIL: ${why}${r.explanation ? `. ${r.explanation}` : ''}` };
}
