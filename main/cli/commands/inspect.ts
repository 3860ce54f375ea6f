import { readRun } from '../../engine/run/run-folder.ts';
import { summarizeRun } from '../../engine/run/summary.ts';

export async function inspectCommand(dir: string, json: boolean): Promise<number> {
  const s = summarizeRun(readRun(dir));
  if (json) {
    process.stdout.write(`${JSON.stringify(s)}\n`);
    return 0;
  }
  const rows: [string, string][] = [
    ['run', `${s.name ?? '?'} (${s.dir})`],
    ['status', `${s.status}${s.reason ? `: ${s.reason}` : ''}`],
    ['backend', s.backend ?? '?'],
    ['progress', `${s.epochs} epoch(s), ${s.steps} steps, ${s.collections} collections`],
    ['layers', s.layers.join(', ')],
    ...Object.entries(s.final).map(([k, v]) => [k, v.toFixed(4)] as [string, string]),
    ...(s.checkpoints.length ? [['checkpoints', s.checkpoints.join(', ')] as [string, string]] : []),
    ...s.findings.map((f) => [f.severity, `${f.title} (${f.kind}${f.step >= 0 ? `, step ${f.step}` : ', set-up'})`] as [string, string]),
    ...(s.skippedLines ? [['warning', `${s.skippedLines} unreadable line(s) in the event log were skipped`] as [string, string]] : []),
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n') + '\n');
  return 0;
}
