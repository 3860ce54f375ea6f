// The learning-rate range test as a tool: `trainscope lr-find`, the LR range test buttons.
import { lrFindTool, type LrFindResult } from '../../../../shared/tools/lr-find/definition.ts';
import { defineEngineTool } from '../framework/tool.ts';
import { lrFind } from './lr-find.ts';
import { fmtLr } from './analyze.ts';

/** The smoothed loss against log10(lr) as a few lines of text, the raw loss as dots, the suggestion as a column of '|'. */
export function textPlot(r: LrFindResult, width = 60, height = 10): string[] {
  const pts = r.lrs.map((lr, i) => ({ x: Math.log10(lr), raw: r.losses[i], s: r.smoothed[i] })).filter((p) => Number.isFinite(p.s));
  if (pts.length < 2) return [];
  const x0 = pts[0].x, x1 = pts[pts.length - 1].x;
  const ys = pts.map((p) => p.s);
  // the scale follows the smoothed loss, up to 3x its minimum's distance from the start (the blow-up would flatten the rest)
  const lo = Math.min(...ys), hi = Math.min(Math.max(...ys), lo + 3 * Math.max(ys[0] - lo, 1e-12));
  const grid = Array.from({ length: height }, () => Array<string>(width).fill(' '));
  const col = (x: number) => Math.round(((x - x0) / (x1 - x0 || 1)) * (width - 1));
  const row = (y: number) => height - 1 - Math.round(((Math.min(Math.max(y, lo), hi) - lo) / (hi - lo || 1)) * (height - 1));
  for (const p of pts) if (Number.isFinite(p.raw)) grid[row(p.raw)][col(p.x)] = '.';
  if (r.suggested !== null) for (const line of grid) line[col(Math.log10(r.suggested))] = '|';
  for (const p of pts) grid[row(p.s)][col(p.x)] = '*';
  const label = (y: number) => (Math.abs(y) < 1e4 ? y.toFixed(3) : y.toExponential(1)).padStart(9);
  return [
    ...grid.map((line, i) => `${i === 0 ? label(hi) : i === height - 1 ? label(lo) : ''.padStart(9)} ${line.join('')}`),
    `${''.padStart(9)} ${fmtLr(10 ** x0).padEnd(width - 8)}${fmtLr(10 ** x1).padStart(8)}   (lr, log scale; * smoothed, . raw, | suggested)`,
  ];
}

export const lrFindEngineTool = defineEngineTool({
  definition: lrFindTool,
  run: (spec, ctx, o) => lrFind(spec, ctx.baseDir, { backend: ctx.backend, dataDirs: ctx.dataDirs, steps: o.steps, minLr: o.minLr, maxLr: o.maxLr, stopFactor: o.stopFactor, onProgress: ctx.onProgress, signal: ctx.signal }),
  report: (r) => [
    `LR range test: ${r.steps} steps with ${r.optimizer} on ${r.backend}, lr ${fmtLr(r.lrs[0])} to ${fmtLr(r.lrs[r.lrs.length - 1])}${r.stoppedEarly ? ' (stopped: the loss blew up)' : ''}`,
    `suggested lr ${r.suggested === null ? 'none' : fmtLr(r.suggested)} (steepest fall); minimum at ${fmtLr(r.minimum.lr)}; ${r.diverged ? `blew up at ${fmtLr(r.diverged.lr)}` : 'no blow-up in the range'}`,
    `${r.specLrStatus === 'ok' ? 'OK' : r.specLrStatus.toUpperCase()}: ${r.verdict}`,
    ...textPlot(r),
    ...r.notes.map((n) => `  - ${n}`),
  ].join('\n'),
});
