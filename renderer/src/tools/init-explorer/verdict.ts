// The init explorer's result in one line: the initialiser it recommends (see recommend.ts).
import type { InitExplorerResult } from '../../../../shared/tools/init-explorer/definition.ts';
import { initVerdict } from './recommend.ts';
import type { Verdict } from '../framework/tool.ts';

export function initExplorerVerdict(r: InitExplorerResult): Verdict {
  return { ok: null, text: initVerdict(r) };
}
