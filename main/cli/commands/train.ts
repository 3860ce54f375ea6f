import { basename } from 'node:path';
import type { BackendChoice } from '../../engine/backends/select.ts';
import { Trainer } from '../../engine/train/trainer.ts';
import { createRunDir, RunWriter } from '../../engine/run/run-folder.ts';
import { aboutSpec, loadSpecFile } from '../spec-file.ts';
import { ProgressLine, formatDuration } from '../progress.ts';

export async function trainCommand(specPath: string, opts: { out: string; backend: BackendChoice }): Promise<number> {
  const { spec, baseDir } = loadSpecFile(specPath);
  const trainer = new Trainer({ spec, baseDir, backend: opts.backend });
  await aboutSpec(specPath, () => trainer.prepare()); // bad data or a model that does not fit: an InputError before any folder exists
  const runDir = createRunDir(opts.out, spec.name);
  const writer = new RunWriter(runDir, trainer.spec); // (the spec as it ran: an imported model's layers filled in)
  const progress = new ProgressLine();
  trainer.on((e) => writer.write(e)).on((e) => progress.handle(e));

  // Ctrl-C stops gracefully (the folder gets its run-end); a second one exits at once.
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) { writer.close(); process.exit(130); }
    process.stderr.write('\nstopping after this step (Ctrl-C again to quit now)\n');
    trainer.stop();
  };
  process.on('SIGINT', onSigint);
  try {
    const end = await trainer.run({ runDir, runId: basename(runDir) });
    const t = end.final.test;
    process.stderr.write(`${end.status}${end.reason ? ` (${end.reason})` : ''} after ${end.epochs} epoch(s), ${formatDuration(end.durationMs)}` +
      `${t ? `: test loss ${t.loss.toFixed(4)}${t.accuracy !== undefined ? `, test accuracy ${t.accuracy.toFixed(4)}` : ''}` : ''}\n`);
    writer.close();
    if (writer.failed) throw writer.failed; // the run went on; its folder could not keep up (a full disk)
    process.stdout.write(`${runDir}\n`);
    return end.status === 'failed' || end.status === 'diverged' ? 1 : 0;
  } finally {
    process.off('SIGINT', onSigint);
    writer.close();
  }
}
