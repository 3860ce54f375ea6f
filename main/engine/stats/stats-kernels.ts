// The collection's bulk reductions in WebAssembly SIMD (kernels.wat), on a memory of their own:
// a float32 range is copied in once (stage), then its moments and histogram read it there.
// summarize.ts falls back to its JavaScript loops where these do not apply (no WebAssembly SIMD,
// values that are not float32, a NaN or an infinity among them).
import { STATS_KERNELS } from './kernels-binary.ts';
import type { Moments } from './summarize.ts';

type Exports = {
  memory: WebAssembly.Memory;
  moments(p: number, n: number, out: number): void;
  histogram(p: number, n: number, lo: number, scale: number, bins: number, tab: number): void;
  relative_change(a: number, b: number, n: number, out: number): void;
};

/** Layout of the kernels' memory: results, then four histogram tables, then the staged values. */
const OUT = 0;
const TABLES = 64;
/** histograms of more bins than this take the JavaScript loop (the spec allows 256) */
const MAX_BINS = 1024;
const DATA = TABLES + 16 * (MAX_BINS + 2) + 48; // (16-byte aligned: 16,528)
/** below this many values the copy is not worth it */
const MIN_VALUES = 64;

let kernels: Exports | null | undefined; // undefined: not loaded yet
/** `TRAINSCOPE_JS_STATS=1`: the JavaScript loops everywhere (to compare; the statistics worker reads it too) */
let enabled = process.env.TRAINSCOPE_JS_STATS !== '1';
/** the range staged last, by length (-1: none) */
let stagedLength = -1;

function load(): Exports | null {
  if (kernels === undefined) {
    try {
      kernels = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(STATS_KERNELS, 'base64'))).exports as unknown as Exports;
    } catch {
      kernels = null; // (a runtime without WebAssembly SIMD: the JavaScript loops)
    }
  }
  return kernels;
}

/** Switches the kernels off (or on again): tests compare them with the JavaScript loops. */
export function useStatsKernels(on: boolean) {
  enabled = on && process.env.TRAINSCOPE_JS_STATS !== '1';
  stagedLength = -1;
}

/** Whether the kernels run here (tests). */
export function statsKernelsAvailable(): boolean {
  return load() !== null;
}

/** For `trainscope doctor`: what computes the collections' statistics, and why not the kernels. */
export function statsKernelStatus(): string {
  if (process.env.TRAINSCOPE_JS_STATS === '1') return 'JavaScript loops (TRAINSCOPE_JS_STATS=1)';
  return load() ? 'SIMD kernels' : 'JavaScript loops (this runtime has no WebAssembly SIMD)';
}

/** False when the memory cannot grow that far (then the JavaScript loops take the range). */
function reserve(k: Exports, bytes: number): boolean {
  const have = k.memory.buffer.byteLength;
  if (have >= bytes) return true;
  try {
    k.memory.grow(Math.ceil((bytes - have) / 65536));
    return true;
  } catch {
    return false;
  }
}

/**
 * Copies a[start, end) into the kernels' memory for stagedMoments and stagedHistogram. False where
 * the kernels do not apply: then nothing is staged.
 */
export function stage(a: ArrayLike<number>, start: number, end: number): boolean {
  stagedLength = -1;
  const n = end - start;
  if (!enabled || !(a instanceof Float32Array) || n < MIN_VALUES) return false;
  const k = load();
  if (!k) return false;
  if (!reserve(k, DATA + 4 * n)) return false;
  new Float32Array(k.memory.buffer, DATA, n).set(a.subarray(start, end));
  stagedLength = n;
  return true;
}

/** The moments of the staged values, or null when one of them is not finite (the JavaScript pass counts those). */
export function stagedMoments(): Moments | null {
  const k = kernels!;
  const n = stagedLength;
  k.moments(DATA, n, OUT);
  const out = new DataView(k.memory.buffer, OUT, 32);
  const sum = out.getFloat64(0, true), sumSq = out.getFloat64(8, true);
  if (!Number.isFinite(sum) || !Number.isFinite(sumSq)) return null;
  return { n, nan: 0, inf: 0, zeros: out.getInt32(24, true), sum, sumSq, min: out.getFloat32(16, true), max: out.getFloat32(20, true) };
}

/**
 * Histogram counts of the staged values over [lo, hi] (hi > lo), as summarize.ts's binValues gives
 * them; null above MAX_BINS. Only for values whose moments the kernel gave (all finite) and their
 * own range: the kernel does not test each value against it.
 */
export function stagedHistogram(lo: number, hi: number, bins: number): Float64Array | null {
  if (bins > MAX_BINS) return null;
  const k = kernels!;
  const stride = bins + 1;
  const tables = new Int32Array(k.memory.buffer, TABLES, 4 * stride);
  tables.fill(0);
  k.histogram(DATA, stagedLength, lo, bins / (hi - lo), bins, TABLES);
  const counts = new Float64Array(bins);
  // (slot `bins` holds the values equal to hi: the last bin)
  for (let b = 0; b <= bins; b++) counts[b < bins ? b : bins - 1] += tables[b] + tables[stride + b] + tables[2 * stride + b] + tables[3 * stride + b];
  return counts;
}

/** |b - a|^2 and |a|^2 over [start, end) of two float32 arrays, or null where the kernels do not apply. */
export function squaredChange(a: ArrayLike<number>, b: ArrayLike<number>, start: number, end: number): { d2: number; a2: number } | null {
  stagedLength = -1;
  const n = end - start;
  if (!enabled || !(a instanceof Float32Array) || !(b instanceof Float32Array) || n < MIN_VALUES) return null;
  const k = load();
  if (!k) return null;
  const second = DATA + 4 * n + ((16 - ((4 * n) % 16)) % 16);
  if (!reserve(k, second + 4 * n)) return null;
  new Float32Array(k.memory.buffer, DATA, n).set(a.subarray(start, end));
  new Float32Array(k.memory.buffer, second, n).set(b.subarray(start, end));
  k.relative_change(DATA, second, n, OUT);
  const out = new DataView(k.memory.buffer, OUT, 16);
  return { d2: out.getFloat64(0, true), a2: out.getFloat64(8, true) };
}
