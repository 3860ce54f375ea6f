import type { BackendChoice } from '../../engine/backends/select.ts';
import { overfitCheck } from '../../engine/overfit/check.ts';
import { loadSpecFile } from '../spec-file.ts';
import { bar } from '../progress.ts';

/** Exit 0 when the model fits the subset, 1 when it does not, 2 on bad input (thrown). */
export async function overfitCommand(specPath: string, opts: { json: boolean; backend: BackendChoice; samples?: number; steps?: number }): Promise<number> {
  const { spec, baseDir } = loadSpecFile(specPath);
  const tty = process.stderr.isTTY;
  let total = 1;
  const r = await overfitCheck(spec, baseDir, {
    backend: opts.backend, samples: opts.samples, maxSteps: opts.steps,
    onEvent: (e) => {
      if (e.type === 'run-start') total = e.totalSteps;
      if (e.type === 'step' && tty && e.step % 5 === 0) process.stderr.write(`\roverfitting ${bar(e.step / total)} step ${e.step}/${total} loss ${e.loss.toFixed(4)}\x1b[K`);
    },
  });
  if (tty) process.stderr.write('\r\x1b[K');
  if (opts.json) {
    const { losses: _l, ...rest } = r;
    process.stdout.write(`${JSON.stringify({ ...rest, loss_curve: r.losses.filter((_, i) => i % Math.max(1, Math.floor(r.losses.length / 100)) === 0) })}\n`);
  } else {
    const lines = [
      `${r.passed ? 'PASS' : 'FAIL'}: ${r.samples} samples, ${r.steps} steps on ${r.backend}${r.switched_off.length ? ` (switched off: ${r.switched_off.join(', ')})` : ''}`,
      `initial loss ${r.initial_loss.toFixed(4)}${r.expected_initial_loss !== null ? ` (expected ${r.expected_initial_loss.toFixed(4)}${r.initial_loss_ok ? '' : ': MISMATCH'})` : ''}`,
      `final loss ${r.final_loss.toFixed(4)}${r.final_accuracy !== null ? `, accuracy ${r.final_accuracy.toFixed(4)}` : ''}`,
      ...(r.reason ? [`reason: ${r.reason}: ${r.explanation}`] : []),
      ...r.evidence.map((e) => `  - ${e}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return r.passed ? 0 : 1;
}
