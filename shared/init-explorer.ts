// The init explorer's result: for each initialiser, every layer's activations pooled over many
// random initialisations, so the effect of the choice is visible before any training.

export const EXPLORED_INITIALIZERS = ['glorot_normal', 'he_normal', 'lecun_normal', 'random_normal(0,1)'] as const;
export type ExploredInitializer = (typeof EXPLORED_INITIALIZERS)[number];

export interface InitLayerStats {
  layer: string;
  activation: string | null;
  /** pooled over all draws */
  hist: { lo: number; hi: number; counts: number[] };
  /** mean over draws of the layer's output std */
  std: number;
  saturatedFrac: number;
  deadFrac: number;
}

export interface InitExplorerResult {
  draws: number;
  batch: number;
  initializers: { initializer: ExploredInitializer; layers: InitLayerStats[] }[];
}
