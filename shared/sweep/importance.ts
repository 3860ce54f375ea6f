// How much each parameter mattered, from the trials alone: the rank correlation of a numeric
// parameter with the metric (Spearman), and for every parameter the share of the metric's
// variance that its values explain (eta squared: the variance between the groups of trials
// sharing a value, over the total; a parameter with many values is grouped into 5 quantile bins,
// so a continuous one is not credited with fitting noise).
import type { SweepGoal as Goal } from './asha.ts';

export interface ParameterImportance {
  path: string;
  /** Spearman's rho with the metric, sign as measured (numeric parameters), else null */
  spearman: number | null;
  /** 0..1: eta squared */
  varianceExplained: number;
  /**
   * epsilon squared: eta squared less what as many groups would explain of pure noise. In a small
   * sweep eta squared alone gives a parameter that does nothing a large share by chance; this is
   * what the parameters are ranked by.
   */
  varianceExplainedAdjusted: number;
  /** rho signed so that positive means "larger values did better" under the goal */
  direction: 'larger is better' | 'smaller is better' | null;
}

const MAX_GROUPS = 5;

/** Ranks from 1, ties sharing their average rank. */
export function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) out[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

function pearson(a: readonly number[], b: readonly number[]): number | null {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n, mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) ** 2; sbb += (b[i] - mb) ** 2; }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : null;
}

function groupsOf(values: readonly unknown[]): number[] {
  const numeric = values.every((v) => typeof v === 'number');
  const keys = values.map((v) => JSON.stringify(v));
  const distinct = [...new Set(keys)];
  if (!numeric || distinct.length <= MAX_GROUPS) return keys.map((k) => distinct.indexOf(k));
  const r = ranks(values as number[]);
  return r.map((x) => Math.min(MAX_GROUPS - 1, Math.floor(((x - 1) / values.length) * MAX_GROUPS)));
}

function varianceShares(groups: readonly number[], y: readonly number[]): { eta2: number; epsilon2: number } {
  const mean = y.reduce((s, v) => s + v, 0) / y.length;
  const total = y.reduce((s, v) => s + (v - mean) ** 2, 0);
  if (total === 0) return { eta2: 0, epsilon2: 0 };
  const sums = new Map<number, { s: number; n: number }>();
  groups.forEach((g, i) => { const e = sums.get(g) ?? { s: 0, n: 0 }; e.s += y[i]; e.n++; sums.set(g, e); });
  let between = 0;
  for (const { s, n } of sums.values()) between += n * (s / n - mean) ** 2;
  const k = sums.size, n = y.length;
  const msWithin = n > k ? (total - between) / (n - k) : 0;
  return { eta2: between / total, epsilon2: Math.max(0, (between - (k - 1) * msWithin) / total) };
}

export function parameterImportance(trials: readonly { params: Record<string, unknown>; metric: number | null }[], goal: Goal): { used: number; parameters: ParameterImportance[] } {
  const scored = trials.filter((t) => t.metric !== null && Number.isFinite(t.metric));
  const y = scored.map((t) => t.metric!);
  const paths = [...new Set(trials.flatMap((t) => Object.keys(t.params)))];
  const parameters = paths.map((path): ParameterImportance => {
    const values = scored.map((t) => t.params[path]);
    const numeric = values.length > 1 && values.every((v) => typeof v === 'number');
    const rho = numeric ? pearson(ranks(values as number[]), ranks(y)) : null;
    const good = rho === null || rho === 0 ? null : (rho > 0) === (goal === 'maximize') ? 'larger is better' : 'smaller is better';
    const shares = values.length > 1 ? varianceShares(groupsOf(values), y) : { eta2: 0, epsilon2: 0 };
    return { path, spearman: rho, varianceExplained: shares.eta2, varianceExplainedAdjusted: shares.epsilon2, direction: good };
  });
  parameters.sort((a, b) => b.varianceExplainedAdjusted - a.varianceExplainedAdjusted || b.varianceExplained - a.varianceExplained);
  return { used: scored.length, parameters };
}
