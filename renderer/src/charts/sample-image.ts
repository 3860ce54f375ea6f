// One sample's inputs on screen, wherever samples are shown (the misclassification browser, the
// data audit's near twins): an image drawn from its bytes (grey or RGB) into a canvas of its own
// size, or a tabular sample's first values as text.

/** Draws sample `index` of `s` (bytes over [lo, hi], [height, width, channels]) into `canvas`. */
export function drawSample(canvas: HTMLCanvasElement, s: { shape: number[]; data: Uint8Array }, index: number) {
  const [h, w, c] = s.shape;
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(w, h);
  const base = index * h * w * c;
  for (let p = 0; p < h * w; p++) {
    const o = base + p * c;
    img.data[p * 4] = s.data[o];
    img.data[p * 4 + 1] = s.data[c === 3 ? o + 1 : o];
    img.data[p * 4 + 2] = s.data[c === 3 ? o + 2 : o];
    img.data[p * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

/** A tabular sample's first features (float32 bytes), for a grid cell. */
export function featureText(s: { shape: number[]; data: Uint8Array }, index: number, max = 4): string {
  const f = new Float32Array(s.data.buffer, s.data.byteOffset, s.data.byteLength / 4);
  const size = s.shape.reduce((a, b) => a * b, 1);
  const row = Array.from(f.subarray(index * size, index * size + Math.min(size, max)), (v) => Number(v.toPrecision(3)));
  return row.join(', ') + (size > max ? ', ...' : '');
}
