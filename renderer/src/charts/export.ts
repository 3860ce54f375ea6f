// Chart export: PNG from the canvas, SVG (vector for line charts, the raster embedded for
// heatmaps) and the chart's data as CSV. Downloads go through a Blob URL (allowed by the CSP).
export function download(name: string, blob: Blob) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function toCsv(header: string[], rows: (number | string | null)[][]): string {
  const cell = (v: number | string | null) => (v === null || (typeof v === 'number' && !Number.isFinite(v)) ? '' : typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v));
  return [header.map(cell).join(','), ...rows.map((r) => r.map(cell).join(','))].join('\n') + '\n';
}

export function canvasPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((res, rej) => canvas.toBlob((b) => (b ? res(b) : rej(new Error('the chart could not be rendered to PNG'))), 'image/png'));
}

/** PNG exports are drawn at twice the CSS size (or the screen's density if higher): sharp in print and slides. */
export const exportScale = () => Math.max(2, (typeof window !== 'undefined' && window.devicePixelRatio) || 1);

export interface PngParts {
  title: string;
  /** the chart's width and height in CSS pixels */
  width: number;
  height: number;
  /** draws the legend at (x, y) within `width`, returns its height; with draw false only measures */
  legend?: (ctx: CanvasRenderingContext2D, x: number, y: number, width: number, draw: boolean) => number;
  /** draws the chart itself at (0, 0), in CSS pixels */
  body: (ctx: CanvasRenderingContext2D) => void;
  background?: string;
}

/**
 * A standalone picture of a chart: its title and legend drawn in above it (a PNG pasted into a
 * report has no page around it to say what it shows), at `exportScale()` device pixels per CSS pixel.
 */
export function chartPng(parts: PngParts): Promise<Blob> {
  const scale = exportScale();
  const pad = 12, titleH = 22;
  const probe = document.createElement('canvas').getContext('2d')!;
  const legendH = parts.legend ? parts.legend(probe, pad, 0, parts.width - 2 * pad, false) + 4 : 0;
  const w = parts.width + 0, h = pad + titleH + legendH + parts.height + pad;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(w * scale);
  canvas.height = Math.round(h * scale);
  const ctx = canvas.getContext('2d')!;
  ctx.scale(scale, scale);
  ctx.fillStyle = parts.background ?? '#161b22';
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = '#e6edf3';
  ctx.font = '600 14px system-ui, sans-serif';
  ctx.textAlign = 'left'; ctx.textBaseline = 'top';
  ctx.fillText(parts.title, pad, pad);
  parts.legend?.(ctx, pad, pad + titleH, parts.width - 2 * pad, true);
  ctx.translate(0, pad + titleH + legendH);
  parts.body(ctx);
  return canvasPng(canvas);
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' }[c]!));
}

/** A file name from a chart title: "Loss per step" -> "loss-per-step". */
export function slugify(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
