// Drawing one input of the audit's near-twin pairs: an image from its bytes (grey or RGB), or a
// tabular sample's first values as text.
export function drawInput(canvas: HTMLCanvasElement, bytes: Uint8Array, shape: number[], k: number) {
  const [h, w, c] = shape;
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(w, h);
  const base = k * h * w * c;
  for (let p = 0; p < h * w; p++) {
    const o = base + p * c;
    img.data[p * 4] = bytes[o];
    img.data[p * 4 + 1] = bytes[c === 3 ? o + 1 : o];
    img.data[p * 4 + 2] = bytes[c === 3 ? o + 2 : o];
    img.data[p * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

export function inputText(bytes: Uint8Array, size: number, k: number, max = 6): string {
  const f = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const row = Array.from(f.subarray(k * size, k * size + Math.min(size, max)), (v) => Number(v.toPrecision(3)));
  return row.join(', ') + (size > max ? ', ...' : '');
}
