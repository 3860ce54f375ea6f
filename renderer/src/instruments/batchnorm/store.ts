// The batch-norm statistics of a run, per BN layer and per collection, as the view draws them;
// and the fold checks. Packed for the run library BN layer after BN layer (the run's layers
// whose class is BatchNormalization, in model order): the summary numbers, then per recorded
// channel (LayerInfo.unitIndex) running mean, running variance, batch mean, batch variance,
// gamma and beta, one block each. Fold checks are `instrument` events, added as they come.
import { BN_CLASS, type BatchNormPayload, type FoldLayerRecord, type FoldRecord } from '../../../../shared/instruments/batchnorm/definition.ts';
import type { LayerInfo } from '../../../../shared/layers.ts';
import { insertAt, insertIndex, n, type RunLayout, type StoreKey } from '../framework/index.ts';

/** The summary numbers of a layer, in packed order. */
export const SUMMARY = [
  'preMean', 'preStd', 'runMeanAvg', 'batchMeanAvg', 'runVarAvg', 'batchVarAvg', 'meanShift', 'varRatio',
  'gammaMean', 'gammaStd', 'betaMean', 'betaStd', 'collapsed', 'epsilon',
] as const;
export type SummaryKey = (typeof SUMMARY)[number];

/** The per-channel blocks, in packed order. */
export const CHANNEL = ['runMean', 'runVar', 'batchMean', 'batchVar', 'gamma', 'beta'] as const;
export type ChannelKey = (typeof CHANNEL)[number];

export interface BatchNormSeries {
  /** index of the layer in the run's layers */
  layerIndex: number;
  info: LayerInfo;
  /** per summary number, per collection */
  summary: Record<SummaryKey, number[]>;
  /** per channel block, per collection: the recorded channels' values (views on the packed numbers) */
  channels: Record<ChannelKey, Float32Array[]>;
}

export interface FoldCheck extends FoldRecord { step: number; epoch: number }

export interface BatchNormStore {
  steps: number[];
  /** one per BN layer, in model order */
  layers: BatchNormSeries[];
  /** the fold checks in step order (a final one after the epoch check of the same step) */
  folds: FoldCheck[];
}

/** The run's BN layers, with their index among all its layers. */
export function bnLayers(layers: LayerInfo[]): { info: LayerInfo; layerIndex: number }[] {
  return layers.map((info, layerIndex) => ({ info, layerIndex })).filter(({ info }) => info.className === BN_CLASS);
}

const layerSize = (l: LayerInfo) => SUMMARY.length + CHANNEL.length * l.unitIndex.length;
const record = <K extends string, V>(keys: readonly K[], make: () => V) => Object.fromEntries(keys.map((k) => [k, make()])) as Record<K, V>;

export const batchnormStore: StoreKey<BatchNormStore> = {
  id: 'batchnorm',
  create: (layout) => ({
    steps: [],
    layers: bnLayers(layout.layers).map(({ info, layerIndex }) => ({ layerIndex, info, summary: record(SUMMARY, () => []), channels: record(CHANNEL, () => []) })),
    folds: [],
  }),
};

export const batchNormSize = (layout: RunLayout) => bnLayers(layout.layers).reduce((a, { info }) => a + layerSize(info), 0);

export function packBatchNorm(data: BatchNormPayload, layout: RunLayout, f: Float32Array): void {
  const layers = bnLayers(layout.layers);
  const byName = new Map(data.layers.map((l) => [l.layer, l]));
  let o = 0;
  for (const { info } of layers) {
    const l = byName.get(info.name);
    const u = info.unitIndex.length;
    if (!l) f.fill(NaN, o, o + layerSize(info));
    else {
      SUMMARY.forEach((k, i) => { f[o + i] = n(l[k]); });
      CHANNEL.forEach((k, b) => {
        const s = o + SUMMARY.length + b * u, v = l[k];
        for (let j = 0; j < u; j++) f[s + j] = n(v[j]);
      });
    }
    o += layerSize(info);
  }
}

export function addBatchNorm(store: BatchNormStore, step: number, f: Float32Array, layout: RunLayout) {
  void layout; // the store was made from the same layout: its layers are the run's BN layers
  const at = insertIndex(store.steps, step);
  insertAt(store.steps, at, step);
  let o = 0;
  for (const s of store.layers) {
    const u = s.info.unitIndex.length;
    SUMMARY.forEach((k, i) => insertAt(s.summary[k], at, f[o + i]));
    CHANNEL.forEach((k, b) => {
      const from = o + SUMMARY.length + b * u;
      insertAt(s.channels[k], at, f.subarray(from, from + u));
    });
    o += layerSize(s.info);
  }
}

/** A fold check (an `instrument` event's data) into the store, in step order. */
export function addFold(store: BatchNormStore, step: number, epoch: number, data: unknown) {
  const d = data as Partial<FoldRecord> | null;
  if (d?.kind !== 'fold' || !Array.isArray(d.layers)) return;
  const layers = d.layers.map((l): FoldLayerRecord => ({ ...l, maxAbsErr: n(l.maxAbsErr), maxAbsOut: n(l.maxAbsOut) }));
  let at = store.folds.length;
  while (at > 0 && (store.folds[at - 1].step > step || (store.folds[at - 1].step === step && store.folds[at - 1].final && !d.final))) at--;
  insertAt(store.folds, at, { kind: 'fold', final: !!d.final, layers, step, epoch });
}

/** The latest fold check of each BN layer (the final model's when there is one). */
export function latestFolds(store: BatchNormStore): (FoldLayerRecord & { step: number; epoch: number; final: boolean })[] {
  const last = store.folds[store.folds.length - 1];
  return last ? last.layers.map((l) => ({ ...l, step: last.step, epoch: last.epoch, final: last.final })) : [];
}
