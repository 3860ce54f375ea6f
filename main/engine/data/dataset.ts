// In-memory datasets: one Float32Array of inputs, one of labels, a per-sample shape.

export interface Dataset {
  /** n * sampleSize inputs, row-major per sample */
  x: Float32Array;
  /** n labels: class index for classification, target value for regression */
  y: Float32Array;
  n: number;
  /** per-sample input shape, e.g. [28, 28, 1] or [2] */
  shape: number[];
  /** number of classes, or null for regression */
  classes: number | null;
  classNames: string[] | null;
  /** the value range of raw inputs when the source defines it (pixels: [0, 255]) */
  range: [number, number] | null;
  /** a short description for the run record, e.g. the file name */
  source: string;
  /** the features' names (a CSV's header, without the label column), where the source has them */
  featureNames?: string[];
  /** each sample's row in its source (0-based: a CSV's data rows, an IDX file's records), where it was drawn from one: the data audit names samples by it */
  rows?: Int32Array;
}

export function sampleSize(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Images are [height, width, channels]; tabular samples are flat. */
export function isImageShape(shape: number[]): boolean {
  return shape.length === 3;
}

/** A new dataset holding the given rows of `d`, in that order. */
export function subset(d: Dataset, rows: ArrayLike<number>): Dataset {
  const size = sampleSize(d.shape);
  const x = new Float32Array(rows.length * size);
  const y = new Float32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    x.set(d.x.subarray(r * size, (r + 1) * size), i * size);
    y[i] = d.y[r];
  }
  return { ...d, x, y, n: rows.length, rows: Int32Array.from(rows, (r) => d.rows?.[r] ?? r) };
}

/** Copies rows idx[from..from+count) of d into out (inputs) and labels. */
export function gatherRows(d: Dataset, idx: ArrayLike<number>, from: number, count: number, out: Float32Array, labels: Float32Array) {
  const size = sampleSize(d.shape);
  for (let i = 0; i < count; i++) {
    const r = idx[from + i];
    out.set(d.x.subarray(r * size, (r + 1) * size), i * size);
    labels[i] = d.y[r];
  }
}

/** The split's inputs for display: bytes over their range for images, floats for tabular data. */
export function samplesPayload(d: Dataset): { encoding: 'u8' | 'f32'; lo: number; hi: number; bytes: Uint8Array } {
  if (!isImageShape(d.shape)) return { encoding: 'f32', lo: 0, hi: 0, bytes: new Uint8Array(d.x.buffer.slice(d.x.byteOffset, d.x.byteOffset + d.x.byteLength)) };
  let lo = Infinity, hi = -Infinity;
  for (const v of d.x) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  const bytes = new Uint8Array(d.x.length);
  for (let i = 0; i < d.x.length; i++) bytes[i] = Math.round((d.x[i] - lo) * scale);
  return { encoding: 'u8', lo, hi, bytes };
}
