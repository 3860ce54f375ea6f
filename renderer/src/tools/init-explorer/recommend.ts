// Which initialiser suits this model: the one under which the activations' scale stays most
// nearly constant from layer to layer (signals neither fade nor blow up on the way through).
import type { InitExplorerResult } from '../../../../shared/tools/init-explorer/definition.ts';

export interface InitScore {
  initializer: string;
  /** largest over smallest activation std across the hidden layers (1: constant); Infinity when a layer is all zero */
  spread: number;
  /** mean fraction of saturated or dead units across those layers (the tie-breaker) */
  lost: number;
}

/**
 * Scores every initialiser of the result, best first. The output layer is left out when there are
 * hidden layers: a softmax's std says how confident it is, not whether the signal got through.
 */
export function rankInitializers(r: InitExplorerResult): InitScore[] {
  const scores = r.initializers.map((i) => {
    const layers = i.layers.length > 1 ? i.layers.slice(0, -1) : i.layers;
    const stds = layers.map((l) => l.std).filter((s) => Number.isFinite(s));
    const lo = Math.min(...stds), hi = Math.max(...stds);
    const spread = stds.length === 0 ? Infinity : lo > 0 ? hi / lo : Infinity;
    const lost = layers.length ? layers.reduce((a, l) => a + Math.max(l.saturatedFrac, l.deadFrac), 0) / layers.length : 0;
    return { initializer: i.initializer, spread, lost };
  });
  // spreads within 10% of each other are a tie: then fewer lost units win
  return scores.sort((a, b) => (Math.abs(Math.log(a.spread / b.spread)) < Math.log(1.1) || (a.spread === b.spread) ? a.lost - b.lost : a.spread - b.spread));
}

const x = (s: number) => (Number.isFinite(s) ? `${s < 10 ? s.toFixed(1) : Math.round(s)}x` : 'a layer all zero');

/** The one-line recommendation: "Use he_normal: the activation std stays within 1.3x across layers (glorot_normal 4.1x, ...)". */
export function initVerdict(r: InitExplorerResult): string {
  const [best, ...rest] = rankInitializers(r);
  if (!best) return 'No initialiser was explored.';
  const others = rest.map((s) => `${s.initializer} ${x(s.spread)}`).join(', ');
  return `Use ${best.initializer}: the activation std stays within ${x(best.spread)} across the layers${others ? ` (${others})` : ''}`;
}
