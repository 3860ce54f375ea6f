// The overfit check as a tool: `trainscope overfit`, the Overfit check buttons.
import { overfitTool } from '../../../../shared/tools/overfit/definition.ts';
import { defineEngineTool } from '../framework/tool.ts';
import { overfitCheck } from './check.ts';

const fmt = (v: number) => v.toFixed(4);

export const overfitEngineTool = defineEngineTool({
  definition: overfitTool,
  run: (spec, ctx, o) => overfitCheck(spec, ctx.baseDir, { backend: ctx.backend, dataDirs: ctx.dataDirs, samples: o.samples, maxSteps: o.steps, onProgress: ctx.onProgress, signal: ctx.signal }),
  report: (r) => [
    `${r.passed ? 'PASS' : 'FAIL'}: ${r.samples} samples, ${r.steps} steps on ${r.backend}${r.switchedOff.length ? ` (switched off: ${r.switchedOff.join(', ')})` : ''}`,
    `initial loss ${fmt(r.initialLoss)}${r.expectedInitialLoss !== null ? ` (expected ${fmt(r.expectedInitialLoss)}${r.initialLossOk ? '' : ': MISMATCH'})` : ''}`,
    `final loss ${fmt(r.finalLoss)}${r.finalAccuracy !== null ? `, accuracy ${fmt(r.finalAccuracy)}` : ''}`,
    ...(r.reason ? [`reason: ${r.reason}: ${r.explanation}`] : []),
    ...r.evidence.map((e) => `  - ${e}`),
  ].join('\n'),
});
