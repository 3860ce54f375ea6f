// Heatmap raster: one pixel per (row, column) cell written straight into an RGBA buffer through
// a 256-entry colour table, then scaled onto the canvas without smoothing. 100 layers x 10,000
// steps is one million cells: drawing cell by cell with fillRect would take seconds.
import { interpolateInferno } from 'd3';

export type ColorTable = Uint8ClampedArray; // size x RGBA, indexed by the value in [0, 1]

/** `size` colours sampled from `interpolate` over [0, 1]; more entries keep a non-linear scale's low end fine-grained. */
export function colorTable(interpolate: (t: number) => string = interpolateInferno, size = 256): ColorTable {
  const t = new Uint8ClampedArray(size * 4);
  for (let i = 0; i < size; i++) {
    const c = interpolate(i / (size - 1));
    const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(c) ?? /#(..)(..)(..)/.exec(c);
    const [r, g, b] = c.startsWith('#') ? [1, 2, 3].map((k) => parseInt(m![k], 16)) : [1, 2, 3].map((k) => Number(m![k]));
    t.set([r, g, b, 255], i * 4);
  }
  return t;
}

/** Value source: row r, column c -> value in [0, 1], or NaN for "no value" (drawn grey). */
export type CellValue = (r: number, c: number) => number;

// (one 32-bit write a cell through a 32-bit view of the table: a quarter of the byte writes; the
// byte order of the view is the platform's, the same for the table and the pixels)
const NO_VALUE = new Uint32Array(new Uint8ClampedArray([48, 54, 61, 255]).buffer)[0];

export function rasterize(rows: number, cols: number, value: CellValue, table: ColorTable, out?: Uint8ClampedArray): Uint8ClampedArray {
  const px = out && out.length === rows * cols * 4 ? out : new Uint8ClampedArray(rows * cols * 4);
  const px32 = new Uint32Array(px.buffer, px.byteOffset, rows * cols);
  const table32 = new Uint32Array(table.buffer, table.byteOffset, table.length / 4);
  const top = table32.length - 1;
  for (let r = 0; r < rows; r++) {
    let o = r * cols;
    for (let c = 0; c < cols; c++, o++) {
      const v = value(r, c);
      px32[o] = v !== v ? NO_VALUE : table32[v <= 0 ? 0 : v >= 1 ? top : (v * top) | 0];
    }
  }
  return px;
}

// The source canvas and its ImageData are kept per target canvas: re-creating a 4 MB image
// every redraw costs more than the drawing.
const sources = new WeakMap<HTMLCanvasElement, { canvas: HTMLCanvasElement; image: ImageData }>();

/** The raster last painted onto `canvas`, one pixel per cell (for an export at any scale). */
export const rasterOf = (canvas: HTMLCanvasElement): HTMLCanvasElement | undefined => sources.get(canvas)?.canvas;

/** Draws a raster onto a canvas at the given size (nearest-neighbour scaling): one drawImage, however many cells. */
export function paint(canvas: HTMLCanvasElement, px: Uint8ClampedArray, rows: number, cols: number, width: number, height: number) {
  const ctx = canvas.getContext('2d');
  if (!ctx || !rows || !cols) return;
  let src = sources.get(canvas);
  if (!src || src.image.width !== cols || src.image.height !== rows) {
    const c = document.createElement('canvas');
    c.width = cols;
    c.height = rows;
    src = { canvas: c, image: new ImageData(cols, rows) };
    sources.set(canvas, src);
  }
  src.image.data.set(px);
  src.canvas.getContext('2d')!.putImageData(src.image, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(src.canvas, 0, 0, width, height);
}
