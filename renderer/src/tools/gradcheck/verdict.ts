// The gradient check's result in one line: which variables' gradients disagree with finite differences.
import type { GradcheckResult } from '../../../../shared/tools/gradcheck/definition.ts';
import type { Verdict } from '../framework/tool.ts';

export function gradcheckVerdict(r: GradcheckResult): Verdict {
  const worst = [...r.variables].sort((a, b) => b.medianRelError - a.medianRelError)[0];
  const e = worst ? worst.medianRelError.toExponential(1) : '-';
  if (r.passed) return { ok: true, text: `PASS: backprop matches finite differences for all ${r.variables.length} variables (worst median error ${e})` };
  const bad = r.variables.filter((v) => v.medianRelError >= r.tolerance).map((v) => v.variable);
  return { ok: false, text: `FAIL: the gradient of ${bad.join(', ')} differs from finite differences (median error up to ${e}, tolerance ${r.tolerance})` };
}
