// Where findings go on charts: a marker at the step each problem was first seen.
import type { Finding, Severity } from '../../../shared/diagnosis/finding.ts';
import type { Marker } from './line-model.ts';

export const SEVERITY_COLOR: Record<Severity, string> = { error: '#f85149', warning: '#d29922', info: '#8b949e' };

/** Markers for findings seen during training (set-up findings have no step); optionally only those about `layer`. */
export function findingMarkers(findings: Finding[], layer?: string): Marker[] {
  return findings
    .filter((f) => f.step >= 0 && (layer === undefined || f.layers.includes(layer) || f.layers.length === 0))
    .map((f) => ({ x: f.step, color: SEVERITY_COLOR[f.severity], label: `${f.title} (step ${f.step})` }));
}

/** The collection column at or after a step. */
export function columnOf(steps: number[], step: number): number {
  let lo = 0, hi = steps.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (steps[mid] < step) lo = mid + 1; else hi = mid; }
  return Math.min(lo, steps.length - 1);
}
