import type { BackendChoice } from '../../engine/backends/select.ts';
import { gradcheck } from '../../engine/diagnosis/gradcheck.ts';
import { loadSpecFile } from '../spec-file.ts';

/** Exit 0 when every variable's gradient matches finite differences, 1 when one does not. */
export async function gradcheckCommand(specPath: string, opts: { json: boolean; backend: BackendChoice }): Promise<number> {
  const { spec, baseDir } = loadSpecFile(specPath);
  const r = await gradcheck(spec, baseDir, { backend: opts.backend });
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(r)}\n`);
  } else {
    const w = Math.max(...r.variables.map((v) => v.variable.length), 8);
    const lines = [`${r.passed ? 'PASS' : 'FAIL'}: backprop vs central differences (eps ${r.eps}) on ${r.samples} samples, ${r.backend}; relative error tolerance ${r.tolerance}`,
      `${'variable'.padEnd(w)}  checked  median rel. error  max rel. error`,
      ...r.variables.map((v) => `${v.variable.padEnd(w)}  ${String(v.checked).padStart(7)}  ${v.medianRelError.toExponential(2).padStart(16)}  ${v.maxRelError.toExponential(2).padStart(14)}${v.medianRelError >= r.tolerance ? '  <- wrong' : ''}`)];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return r.passed ? 0 : 1;
}
