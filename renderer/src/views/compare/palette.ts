// One colour per compared run, the same in every panel. A categorical palette picked for the
// app's dark background: d3's Tableau10 starts with a blue and a brown that sink into #161b22, so
// these are lighter hues, ordered so that the first runs (most comparisons have two to four)
// differ most in hue. The eight of an optimiser comparison stay apart; beyond ten they repeat.
export const RUN_COLORS = ['#58a6ff', '#f0883e', '#56d364', '#f778ba', '#bc8cff', '#e3b341', '#39c5cf', '#ff7b72', '#d0d7de', '#c4a484'] as const;

export const runColor = (i: number): string => RUN_COLORS[i % RUN_COLORS.length];

/** The colour at `alpha` (0..1): the raw curve drawn faint behind the smoothed one. */
export function faint(color: string, alpha = 0.35): string {
  return `${color}${Math.round(alpha * 255).toString(16).padStart(2, '0')}`;
}
