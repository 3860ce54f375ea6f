// Draws the app icon, assets/build/icon.png (1024x1024 RGBA), with no dependency but zlib:
// a dark rounded square holding a training curve that keeps falling and a validation curve
// that turns back up, its best step ringed: what Trainscope is for, at a glance.
// electron-builder makes the .icns and .ico from it. Run: node scripts/make-icon.mjs [out.png]
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 1024;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = process.argv[2] ? resolve(process.argv[2]) : join(root, 'assets', 'build', 'icon.png');

// Canvas of straight (non-premultiplied) RGBA floats in [0, 1].
const px = new Float32Array(SIZE * SIZE * 4);

/** Paints colour `c` ([r, g, b] 0-255) with opacity `a` over pixel (x, y). */
function over(x, y, c, a) {
  if (a <= 0) return;
  const i = (y * SIZE + x) * 4;
  const da = px[i + 3];
  const oa = a + da * (1 - a);
  for (let k = 0; k < 3; k++) px[i + k] = (c[k] / 255 * a + px[i + k] * da * (1 - a)) / oa;
  px[i + 3] = oa;
}

const clamp01 = (v) => Math.min(1, Math.max(0, v));
const mix = (a, b, t) => a.map((v, k) => v + (b[k] - v) * t);

// The body: a rounded square on Apple's 1024 grid (824 wide, corner radius 185), lit from above.
const B0 = 100, B1 = 924, R = 185;
function roundedSquareDistance(x, y) {
  const c = (B0 + B1) / 2, h = (B1 - B0) / 2 - R;
  const qx = Math.abs(x - c) - h, qy = Math.abs(y - c) - h;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - R;
}
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    const cover = clamp01(0.5 - roundedSquareDistance(x + 0.5, y + 0.5));
    over(x, y, mix([33, 41, 54], [13, 17, 23], clamp01((y - B0) / (B1 - B0))), cover);
  }
}

// The plot: u in [0, 1] left to right, loss v in [0.08, 0.85] bottom to top.
const X0 = 210, X1 = 820, Y0 = 790, Y1 = 255;
const toX = (u) => X0 + u * (X1 - X0);
const toY = (v) => Y0 - (v - 0.08) / (0.85 - 0.08) * (Y0 - Y1);
const train = (u) => 0.14 + 0.68 * Math.exp(-5 * u);
const validation = (u) => 0.2 + 0.62 * Math.exp(-3.2 * u) + 0.5 * Math.max(0, u - 0.55) ** 2;

/** Strokes a polyline of [x, y] points, width `w`, round caps and joins, anti-aliased. */
function stroke(points, w, color, alpha) {
  const dist = new Float32Array(SIZE * SIZE).fill(Infinity);
  const pad = w / 2 + 2;
  for (let s = 0; s + 1 < points.length; s++) {
    const [ax, ay] = points[s], [bx, by] = points[s + 1];
    const dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy || 1;
    const xs = Math.max(0, Math.floor(Math.min(ax, bx) - pad)), xe = Math.min(SIZE - 1, Math.ceil(Math.max(ax, bx) + pad));
    const ys = Math.max(0, Math.floor(Math.min(ay, by) - pad)), ye = Math.min(SIZE - 1, Math.ceil(Math.max(ay, by) + pad));
    for (let y = ys; y <= ye; y++) {
      for (let x = xs; x <= xe; x++) {
        const t = clamp01(((x + 0.5 - ax) * dx + (y + 0.5 - ay) * dy) / len2);
        const d = Math.hypot(x + 0.5 - ax - t * dx, y + 0.5 - ay - t * dy);
        if (d < dist[y * SIZE + x]) dist[y * SIZE + x] = d;
      }
    }
  }
  for (let i = 0; i < dist.length; i++) {
    if (dist[i] === Infinity) continue;
    over(i % SIZE, Math.floor(i / SIZE), color, alpha * clamp01(w / 2 + 0.5 - dist[i]));
  }
}

const curve = (f) => Array.from({ length: 241 }, (_, k) => [toX(k / 240), toY(f(k / 240))]);

// Faint grid lines, then the validation curve (amber, under), the training curve (blue, over).
for (const v of [0.25, 0.5, 0.75]) stroke([[X0 - 20, toY(v)], [X1 + 20, toY(v)]], 4, [139, 148, 158], 0.22);
stroke([[X0 - 20, toY(0.08)], [X1 + 20, toY(0.08)]], 5, [139, 148, 158], 0.4);
stroke(curve(validation), 30, [240, 136, 62], 1);
stroke(curve(train), 38, [88, 166, 255], 1);

// The ring on the validation curve's best step: where training should have stopped.
let best = 0;
for (let k = 1; k <= 1000; k++) if (validation(k / 1000) < validation(best)) best = k / 1000;
const [cx, cy] = [toX(best), toY(validation(best))];
const ring = Array.from({ length: 121 }, (_, k) => [cx + 40 * Math.cos(k / 120 * 2 * Math.PI), cy + 40 * Math.sin(k / 120 * 2 * Math.PI)]);
stroke(ring, 13, [230, 237, 243], 1);

// PNG: 8-bit RGBA, no interlace, filter 0 on every row, one zlib stream.
const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE * 4; x++) raw[y * (SIZE * 4 + 1) + 1 + x] = Math.round(clamp01(px[y * SIZE * 4 + x]) * 255);
}
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type RGBA, deflate, filter set 0, no interlace
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, png);
console.log(`trainscope: icon written to ${out} (${SIZE}x${SIZE}, ${png.length} bytes)`);
