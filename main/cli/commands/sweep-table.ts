// The sweep's live table on stderr: one row a trial (params, rung, metric, status), redrawn in
// place on a terminal at most 5 times a second; elsewhere (a log file, CI) one line each time a
// trial's status changes, so the output stays readable.
import type { TrialRow } from '../../engine/sweep/run-sweep.ts';

const fmt = (v: unknown): string => {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4 ? v.toExponential(2) : v.toPrecision(3);
  return typeof v === 'string' ? v : JSON.stringify(v);
};

/** The parameters' short names: the last segment of each path, unless two share it. */
export function shortNames(paths: string[]): string[] {
  const last = paths.map((p) => p.split('.').at(-1)!);
  return paths.map((p, i) => (last.filter((l) => l === last[i]).length > 1 ? p : last[i]));
}

export function tableLines(rows: readonly TrialRow[], metric: string): string[] {
  const paths = rows.length ? Object.keys(rows[0].params) : [];
  // (a column of 1s says nothing: it appears once a trial has started again)
  const retried = rows.some((r) => r.attempt > 1);
  const header = ['trial', ...shortNames(paths), 'epochs', 'rung', metric, 'status', ...(retried ? ['attempt'] : [])];
  const body = rows.map((r) => [
    r.trial, ...paths.map((p) => fmt(r.params[p])), r.status === 'queued' ? '' : String(r.epochs), r.rung === null ? '' : String(r.rung),
    r.metric === null ? '' : r.metric.toFixed(4), r.status, ...(retried ? [r.attempt ? String(r.attempt) : ''] : []),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((b) => b[c].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), ...body.map(line)];
}

export class SweepTable {
  private drawn = 0;
  private lastDraw = 0;
  private lastStatus = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  private pending: readonly TrialRow[] | null = null;
  private readonly tty: boolean;

  constructor(private readonly metric: string, private readonly out: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(out.isTTY);
  }

  update(rows: readonly TrialRow[]) {
    if (!this.tty) {
      for (const r of rows) {
        const key = `${r.status}|${r.rung}|${r.attempt}`;
        if (this.lastStatus.get(r.trial) === key) continue;
        this.lastStatus.set(r.trial, key);
        if (r.status === 'queued') continue;
        const params = Object.entries(r.params).map(([k, v]) => `${k.split('.').at(-1)}=${fmt(v)}`).join(' ');
        this.out.write(`${r.trial} ${r.status}${r.rung !== null ? ` (rung ${r.rung})` : ''}${r.attempt > 1 ? ` (attempt ${r.attempt})` : ''}  ${params}${r.metric !== null ? `  ${this.metric} ${r.metric.toFixed(4)}` : ''}${r.reason && r.status === 'failed' ? `: ${r.reason}` : ''}\n`);
      }
      return;
    }
    this.pending = rows;
    const wait = 200 - (Date.now() - this.lastDraw);
    if (wait <= 0) this.draw();
    else this.timer ??= setTimeout(() => { this.timer = null; this.draw(); }, wait);
  }

  private draw() {
    if (!this.pending) return;
    const lines = tableLines(this.pending, this.metric);
    this.pending = null;
    this.lastDraw = Date.now();
    // (back to the table's first line, then each line cleared as it is rewritten)
    this.out.write(`${this.drawn ? `\x1b[${this.drawn}F` : ''}${lines.map((l) => `${l}\x1b[K`).join('\n')}\n`);
    this.drawn = lines.length;
  }

  /** The last state, drawn now. */
  flush(rows: readonly TrialRow[]) {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.tty) { this.pending = rows; this.draw(); } else this.update(rows);
  }
}
