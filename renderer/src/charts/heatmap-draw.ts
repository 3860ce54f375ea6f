// A heatmap drawn onto a 2D context for the PNG export: row labels, the raster (nearest-neighbour,
// from its one-pixel-per-cell source, so it stays crisp at any scale), the step axis and markers;
// and the colour scale's legend for the export's header.
import type { Tick } from './axis.ts';
import { gradientStops, type ColorScale } from './color-scale.ts';
import { ROW_LABEL_WIDTH } from './heatmap-axes.ts';

export interface HeatmapFrame {
  raster: HTMLCanvasElement | undefined;
  plotW: number; height: number; rows: number; cols: number;
  labelled: number[]; rowLabel: (r: number) => string; rowTitle: string;
  xTicks: Tick[];
  markers: { col: number; color: string }[];
}

export function drawHeatmapFrame(ctx: CanvasRenderingContext2D, f: HeatmapFrame) {
  const x0 = ROW_LABEL_WIDTH, rowH = f.height / Math.max(1, f.rows);
  if (f.raster) { ctx.imageSmoothingEnabled = false; ctx.drawImage(f.raster, x0, 0, f.plotW, f.height); }
  ctx.font = '12px system-ui, sans-serif'; ctx.fillStyle = '#8b949e'; ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
  for (const r of f.labelled) ctx.fillText(f.rowLabel(r), x0 - 8, (r + 0.5) * rowH, x0 - 24);
  ctx.strokeStyle = '#8b949e'; ctx.lineWidth = 1;
  ctx.font = '11px system-ui, sans-serif'; ctx.textAlign = 'center'; ctx.textBaseline = 'top';
  for (const t of f.xTicks) {
    ctx.beginPath(); ctx.moveTo(x0 + t.at, f.height); ctx.lineTo(x0 + t.at, f.height + (t.label ? 5 : 3)); ctx.stroke();
    if (t.label) ctx.fillText(t.label, x0 + t.labelAt, f.height + 8);
  }
  ctx.fillStyle = '#c9d1d9';
  ctx.fillText('step', x0 + f.plotW / 2, f.height + 26);
  ctx.save(); ctx.translate(8, f.height / 2); ctx.rotate(-Math.PI / 2); ctx.fillText(f.rowTitle, 0, 0); ctx.restore();
  ctx.setLineDash([3, 3]);
  for (const m of f.markers) {
    const x = x0 + ((m.col + 0.5) / f.cols) * f.plotW;
    ctx.strokeStyle = m.color; ctx.beginPath(); ctx.moveTo(x, 0); ctx.lineTo(x, f.height); ctx.stroke();
  }
  ctx.setLineDash([]);
}

/** The scale's ramp with its ticks, and its title to the right; 44 px tall. */
export function drawScaleLegend(ctx: CanvasRenderingContext2D, scale: ColorScale, title: string, x: number, y: number, width = 260): number {
  const g = ctx.createLinearGradient(x, 0, x + width, 0);
  for (const s of gradientStops(scale)) g.addColorStop(s.offset, s.color);
  ctx.fillStyle = g; ctx.fillRect(x, y + 4, width, 12);
  ctx.strokeStyle = '#e6edf3'; ctx.fillStyle = '#8b949e'; ctx.font = '11px system-ui, sans-serif'; ctx.textAlign = 'center'; ctx.textBaseline = 'top';
  let end = -Infinity;
  for (const v of scale.ticks) {
    const label = scale.format(v), px = x + scale.at(v) * width, half = ctx.measureText(label).width / 2;
    const cx = Math.min(Math.max(px, x + half), x + width - half);
    if (cx - half < end + 6) continue;
    ctx.beginPath(); ctx.moveTo(px + 0.5, y + 4); ctx.lineTo(px + 0.5, y + 20); ctx.stroke();
    ctx.fillText(label, cx, y + 22);
    end = cx + half;
  }
  ctx.fillStyle = '#c9d1d9'; ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
  ctx.fillText(title, x + width + 12, y + 10);
  return 44;
}
