import type { BackendChoice } from '../../engine/backends/select.ts';
import { initExplorer } from '../../engine/diagnosis/init-explorer.ts';
import { loadSpecFile } from '../spec-file.ts';
import { bar } from '../progress.ts';

export async function initExplorerCommand(specPath: string, opts: { json: boolean; backend: BackendChoice; draws?: number }): Promise<number> {
  const { spec, baseDir } = loadSpecFile(specPath);
  const tty = process.stderr.isTTY;
  const r = await initExplorer(spec, baseDir, {
    backend: opts.backend, draws: opts.draws,
    onProgress: (done, total) => { if (tty && done % 10 === 0) process.stderr.write(`\rinitialisations ${bar(done / total)} ${done}/${total}\x1b[K`); },
  });
  if (tty) process.stderr.write('\r\x1b[K');
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return 0;
  }
  const inits = r.initializers.map((i) => i.initializer);
  const cell = (s: { std: number; saturatedFrac: number; deadFrac: number }) =>
    `std ${s.std.toPrecision(2).padStart(7)}${s.saturatedFrac >= 0.005 ? ` sat ${(s.saturatedFrac * 100).toFixed(0).padStart(2)}%` : ''}${s.deadFrac >= 0.005 ? ` dead ${(s.deadFrac * 100).toFixed(0).padStart(2)}%` : ''}`;
  const w = Math.max(...r.initializers[0].layers.map((l) => `${l.layer} (${l.activation ?? '-'})`.length));
  const lines = [`${r.draws} initialisations per initialiser, one batch of ${r.batch}: each layer's output std (mean over draws), saturated and dead fractions`,
    `${''.padEnd(w)}  ${inits.map((i) => i.padEnd(30)).join('')}`,
    ...r.initializers[0].layers.map((l, k) => `${`${l.layer} (${l.activation ?? '-'})`.padEnd(w)}  ${r.initializers.map((i) => cell(i.layers[k]).padEnd(30)).join('')}`)];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
