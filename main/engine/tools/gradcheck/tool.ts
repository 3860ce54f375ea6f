// The gradient check as a tool: `trainscope gradcheck`, the Gradient check button.
import { gradcheckTool } from '../../../../shared/tools/gradcheck/definition.ts';
import { defineEngineTool } from '../framework/tool.ts';
import { gradcheck } from './gradcheck.ts';

export const gradcheckEngineTool = defineEngineTool({
  definition: gradcheckTool,
  run: (spec, ctx) => gradcheck(spec, ctx.baseDir, { backend: ctx.backend, dataDirs: ctx.dataDirs }),
  report: (r) => {
    const w = Math.max(...r.variables.map((v) => v.variable.length), 8);
    return [`${r.passed ? 'PASS' : 'FAIL'}: backprop vs central differences (eps ${r.eps}) on ${r.samples} samples, ${r.backend}; relative error tolerance ${r.tolerance}`,
      `${'variable'.padEnd(w)}  checked  median rel. error  max rel. error`,
      ...r.variables.map((v) => `${v.variable.padEnd(w)}  ${String(v.checked).padStart(7)}  ${v.medianRelError.toExponential(2).padStart(16)}  ${v.maxRelError.toExponential(2).padStart(14)}${v.medianRelError >= r.tolerance ? '  <- wrong' : ''}`)].join('\n');
  },
});
