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
  return { ...d, x, y, n: rows.length };
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
