// The LR range test's result in one line: its own verdict on the spec's learning rate.
import type { LrFindResult } from '../../../../shared/tools/lr-find/definition.ts';
import type { Verdict } from '../framework/tool.ts';

export function lrFindVerdict(r: LrFindResult): Verdict {
  const ok = r.specLrStatus === 'ok' ? true : r.specLrStatus === 'diverges' || r.specLrStatus === 'high' || r.specLrStatus === 'low' ? false : null;
  return { ok, text: r.verdict };
}
