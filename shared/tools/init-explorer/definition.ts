// The init explorer: for each initialiser, every layer's activations pooled over many random
// initialisations, so the effect of the choice is visible before any training.
import { z } from 'zod';
import { defineTool } from '../framework/define.ts';
import { num } from '../../json-number.ts';

export const EXPLORED_INITIALIZERS = ['glorot_normal', 'he_normal', 'lecun_normal', 'random_normal(0,1)'] as const;
export type ExploredInitializer = (typeof EXPLORED_INITIALIZERS)[number];

const layerStats = z.object({
  layer: z.string(),
  activation: z.string().nullable(),
  /** pooled over all draws */
  hist: z.object({ lo: num, hi: num, counts: z.array(num) }),
  /** mean over draws of the layer's output std */
  std: num,
  saturatedFrac: num,
  deadFrac: num,
});

const result = z.object({
  draws: z.number().int(),
  batch: z.number().int(),
  initializers: z.array(z.object({ initializer: z.enum(EXPLORED_INITIALIZERS), layers: z.array(layerStats) })),
});

export const initExplorerTool = defineTool({
  id: 'init-explorer',
  title: 'Init explorer',
  summary: 'activations through the model over many initialisations, Glorot vs He vs LeCun vs N(0,1)',
  version: 1,
  options: {
    draws: z.number().int().min(1).max(1000).optional().describe('initialisations per initialiser (default 100)'),
  },
  result,
});

export type InitLayerStats = z.output<typeof layerStats>;
export type InitExplorerResult = z.output<typeof result>;
