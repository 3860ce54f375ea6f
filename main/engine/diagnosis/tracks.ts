// Per-layer metric series, one point per collection: what a grouped finding draws as each
// layer's sparkline, and what the vitals report as the latest value.
import type { MetricId } from '../../../shared/diagnosis/finding.ts';

export interface Track { steps: number[]; values: number[] }

/** Evenly thinned to at most `max` points, always keeping the last. */
export function thin(t: Track, max = 48): Track {
  const n = t.steps.length;
  if (n <= max) return { steps: [...t.steps], values: [...t.values] };
  const idx = Array.from({ length: max }, (_, i) => Math.round((i * (n - 1)) / (max - 1)));
  return { steps: idx.map((i) => t.steps[i]), values: idx.map((i) => t.values[i]) };
}

export class Tracks {
  private map = new Map<string, Track>();

  /** Records a value. (Step 0 can hold two: the init probe before any update, then step 0's collection after it.) */
  add(metric: MetricId, layer: string, step: number, value: number) {
    const key = `${metric}\u0000${layer}`;
    let t = this.map.get(key);
    if (!t) this.map.set(key, (t = { steps: [], values: [] }));
    t.steps.push(step);
    t.values.push(value);
  }

  get(metric: MetricId, layer: string): Track | undefined {
    return this.map.get(`${metric}\u0000${layer}`);
  }
}
