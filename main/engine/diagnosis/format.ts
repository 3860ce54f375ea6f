// Numbers as the diagnosis prints them: the same number reads the same in a title, its evidence
// and the cause's chain.
export const fmt = (v: number) => (v === 0 ? '0' : !Number.isFinite(v) ? String(v) : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? Number(v.toPrecision(3)).toString() : v.toExponential(2));
export const pct = (v: number) => `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%`;
export const median = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s.length ? s[Math.floor(s.length / 2)] : NaN; };
/** "dense_1", "dense_1 and dense_2", "dense_1 and 4 more layers" */
export function layerList(names: string[]): string {
  if (names.length <= 2) return names.join(' and ');
  return `${names[0]} and ${names.length - 1} more layers`;
}
