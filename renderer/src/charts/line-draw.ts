// Draws a line chart onto a 2D context in CSS pixels: grid, ticks, axis titles, reference line,
// finding markers and the series. The screen and the PNG export both call it, so they match.
import { segments, FONT, type Frame, type LineOptions, type Series } from './line-model.ts';

export const COLORS = { bg: '#161b22', grid: '#30363d', minor: '#21262d', text: '#8b949e', title: '#c9d1d9' };

export function drawLineChart(ctx: CanvasRenderingContext2D, f: Frame, series: Series[], options: LineOptions) {
  const { box: b, x, y } = f;
  const right = b.width - b.right, bottom = b.height - b.bottom;
  ctx.font = `${FONT}px system-ui, sans-serif`;
  ctx.lineWidth = 1;
  // horizontal grid at every y tick (fainter for the unlabelled 2 and 5 of a log axis)
  for (const t of f.yTicks) {
    const py = Math.round(bottom - t.at) + 0.5;
    ctx.strokeStyle = t.label ? COLORS.grid : COLORS.minor;
    ctx.beginPath(); ctx.moveTo(b.left, py); ctx.lineTo(right, py); ctx.stroke();
    if (!t.label) continue;
    ctx.fillStyle = COLORS.text; ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
    ctx.fillText(t.label, b.left - 6, bottom - t.labelAt);
  }
  // x ticks: a short mark under the axis and the label, moved inward at the ends (never clipped)
  ctx.strokeStyle = COLORS.grid;
  ctx.beginPath(); ctx.moveTo(b.left, bottom + 0.5); ctx.lineTo(right, bottom + 0.5); ctx.stroke();
  for (const t of f.xTicks) {
    const px = Math.round(b.left + t.at) + 0.5;
    ctx.beginPath(); ctx.moveTo(px, bottom); ctx.lineTo(px, bottom + (t.label ? 4 : 2)); ctx.stroke();
    if (!t.label) continue;
    ctx.fillStyle = COLORS.text; ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    ctx.fillText(t.label, b.left + t.labelAt, bottom + 5);
  }
  drawAxisTitles(ctx, f, options);
  if (options.reference) {
    const py = y(options.reference.y);
    ctx.save(); ctx.setLineDash([4, 4]); ctx.strokeStyle = '#d29922';
    ctx.beginPath(); ctx.moveTo(b.left, py); ctx.lineTo(right, py); ctx.stroke(); ctx.restore();
    ctx.fillStyle = '#d29922'; ctx.textAlign = 'left'; ctx.textBaseline = 'bottom';
    ctx.fillText(options.reference.label, b.left + 4, py - 2);
  }
  // finding markers: where each problem was first seen
  for (const m of options.markers ?? []) {
    const px = Math.round(x(m.x)) + 0.5;
    if (px < b.left || px > right) continue;
    ctx.save(); ctx.setLineDash([2, 3]); ctx.strokeStyle = m.color;
    ctx.beginPath(); ctx.moveTo(px, b.top); ctx.lineTo(px, bottom); ctx.stroke(); ctx.restore();
    ctx.fillStyle = m.color; ctx.beginPath(); ctx.arc(px, b.top + 3, 3, 0, Math.PI * 2); ctx.fill();
  }
  ctx.save();
  // a little beyond the frame: a single point at an end (one epoch so far) shows whole
  ctx.beginPath(); ctx.rect(b.left - 3, b.top - 3, right - b.left + 6, bottom - b.top + 6); ctx.clip();
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = s.width ?? 1.5;
    ctx.setLineDash(s.dashed ? [5, 3] : []);
    for (const seg of segments(s, x, y, !!options.logY)) {
      ctx.beginPath();
      if (seg.length === 1) { ctx.arc(seg[0][0], seg[0][1], 2.5, 0, Math.PI * 2); ctx.fill(); continue; }
      seg.forEach(([px, py], i) => (i ? ctx.lineTo(px, py) : ctx.moveTo(px, py)));
      ctx.stroke();
    }
  }
  ctx.restore();
  ctx.setLineDash([]);
}

function drawAxisTitles(ctx: CanvasRenderingContext2D, f: Frame, options: LineOptions) {
  const { box: b } = f;
  ctx.fillStyle = COLORS.title;
  ctx.font = `${FONT}px system-ui, sans-serif`;
  if (options.xLabel) {
    ctx.textAlign = 'center'; ctx.textBaseline = 'bottom';
    ctx.fillText(options.xLabel, b.left + (b.width - b.left - b.right) / 2, b.height - 1);
  }
  if (options.yLabel) {
    ctx.save();
    ctx.translate(2, b.top + (b.height - b.top - b.bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    ctx.fillText(options.yLabel, 0, 0);
    ctx.restore();
  }
}

/** A legend row for the export: swatches and names, wrapping at `width`; returns its height. */
export function drawLegend(ctx: CanvasRenderingContext2D, entries: { name: string; color: string; dashed?: boolean }[], x0: number, y0: number, width: number, draw = true): number {
  ctx.font = `${FONT + 1}px system-ui, sans-serif`;
  let x = x0, y = y0;
  for (const e of entries) {
    const w = 22 + ctx.measureText(e.name).width + 14;
    if (x + w > x0 + width && x > x0) { x = x0; y += 18; }
    if (draw) {
      ctx.strokeStyle = e.color; ctx.lineWidth = 2; ctx.setLineDash(e.dashed ? [4, 2] : []);
      ctx.beginPath(); ctx.moveTo(x, y + 7); ctx.lineTo(x + 16, y + 7); ctx.stroke(); ctx.setLineDash([]);
      ctx.fillStyle = COLORS.title; ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
      ctx.fillText(e.name, x + 22, y + 7);
    }
    x += w;
  }
  return y - y0 + 18;
}
