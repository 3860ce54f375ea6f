import { readRun } from '../../engine/run/run-folder.ts';
import { summarizeRun, type RunSummary } from '../../engine/run/summary.ts';

/** The cause first, its chain as indented steps, the symptoms it explains under it. */
function causeRows(s: RunSummary): [string, string][] {
  const c = s.diagnosis.cause;
  if (!c) return s.status === 'completed' || s.status === 'early-stopped' ? [['diagnosis', 'no problems found']] : [];
  const explained = s.diagnosis.groups.filter((g) => g.explainedBy);
  return [
    ['cause', `${c.title} (${c.kind}, confidence ${Math.round(c.confidence * 100)}%)`],
    ...s.causeLinks.map((l, i) => ['', `${i ? '-> ' : ''}${l}`] as [string, string]),
    ...explained.map((g) => ['explains', `${g.title} (${g.kind})`] as [string, string]),
  ];
}

export async function inspectCommand(dir: string, json: boolean): Promise<number> {
  const s = summarizeRun(readRun(dir));
  if (json) {
    const { causeLinks: _words, ...data } = s;
    process.stdout.write(`${JSON.stringify(data)}\n`);
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
    ...causeRows(s),
    ...s.findings.filter((f) => !s.diagnosis.groups.some((g) => g.kind === f.kind && g.explainedBy)).map((f) => [f.severity, `${f.title} (${f.kind}${f.step >= 0 ? `, step ${f.step}` : ', set-up'})`] as [string, string]),
    ...(s.skippedLines ? [['warning', `${s.skippedLines} unreadable line(s) in the event log were skipped`] as [string, string]] : []),
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n') + '\n');
  return 0;
}
