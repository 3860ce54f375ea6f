// Batch-norm statistics of one collection, in JS from numbers read back once: the layer's weights
// (running mean and variance, gamma, beta) from the all-weights array, and the probe batch at
// its input, reduced per channel (the last axis: [batch, units] or [batch, h, w, channels]).
import { BN_CLASS, DEFAULT_EPSILON, type BatchNormLayerStats, type BatchNormPayload } from '../../../../shared/instruments/batchnorm/definition.ts';
import type { LayerInfo } from '../../../../shared/layers.ts';
import type { ReduceContext, WeightRef } from '../framework/index.ts';

/** Where a BN layer's numbers are: its weights in the all-weights array and the layer feeding it. */
export interface BnRef {
  info: LayerInfo;
  /** the layer whose output it normalises; null: the model's input */
  input: string | null;
  /** the layer's own epsilon (its configuration) */
  epsilon: number;
  movingMean: WeightRef;
  movingVariance: WeightRef;
  gamma: WeightRef | null;
  beta: WeightRef | null;
}

const weightOf = (ws: WeightRef[], layer: string, what: string) => ws.find((w) => w.layer === layer && w.name.split('/').pop() === what) ?? null;

/** The model's BN layers and where their numbers sit. */
export function bnRefs(ctx: Pick<ReduceContext, 'layers' | 'weights' | 'inputOf' | 'layerConfig'>): BnRef[] {
  return ctx.layers.filter((l) => l.className === BN_CLASS).map((info) => {
    const movingMean = weightOf(ctx.weights, info.name, 'moving_mean');
    const movingVariance = weightOf(ctx.weights, info.name, 'moving_variance');
    if (!movingMean || !movingVariance) throw new Error(`${info.name} has no moving_mean/moving_variance weights`);
    return {
      info, input: ctx.inputOf[info.name] ?? null, movingMean, movingVariance,
      epsilon: (ctx.layerConfig[info.name]?.epsilon as number | undefined) ?? DEFAULT_EPSILON,
      gamma: weightOf(ctx.weights, info.name, 'gamma'), beta: weightOf(ctx.weights, info.name, 'beta'),
    };
  });
}

export interface ChannelMoments { mean: Float64Array; variance: Float64Array; count: number }

/** Mean and (population) variance per channel of values laid out [..., channels]; two passes for precision. */
export function channelMoments(x: ArrayLike<number>, channels: number): ChannelMoments {
  const count = x.length / channels;
  const mean = new Float64Array(channels), variance = new Float64Array(channels);
  for (let i = 0, c = 0; i < x.length; i++, c = c + 1 === channels ? 0 : c + 1) mean[c] += x[i];
  for (let c = 0; c < channels; c++) mean[c] /= count;
  for (let i = 0, c = 0; i < x.length; i++, c = c + 1 === channels ? 0 : c + 1) { const d = x[i] - mean[c]; variance[c] += d * d; }
  for (let c = 0; c < channels; c++) variance[c] /= count;
  return { mean, variance, count };
}

function median(values: number[]): number {
  const v = values.filter((a) => !Number.isNaN(a)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

function meanStd(a: ArrayLike<number>): [number, number] {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  const m = s / a.length;
  let q = 0;
  for (let i = 0; i < a.length; i++) q += (a[i] - m) ** 2;
  return [m, Math.sqrt(q / a.length)];
}

export interface BnLayerInput {
  /** the BN input, [..., channels] flat */
  x: ArrayLike<number>;
  runMean: ArrayLike<number>;
  runVar: ArrayLike<number>;
  gamma: ArrayLike<number> | null;
  beta: ArrayLike<number> | null;
}

/** One BN layer's statistics. */
export function layerBatchNormStats(ref: Pick<BnRef, 'info' | 'input' | 'epsilon'>, d: BnLayerInput, collapsedGamma: number): BatchNormLayerStats {
  const C = ref.info.units;
  const { mean: bm, variance: bv } = channelMoments(d.x, C);
  const rm = d.runMean, rv = d.runVar;
  const gamma = d.gamma ?? new Float64Array(C).fill(1);
  const beta = d.beta ?? new Float64Array(C);
  const eps = ref.epsilon;
  let shift = 0, preMean = 0, rmAvg = 0, rvAvg = 0, bvAvg = 0, collapsed = 0;
  const ratio: number[] = new Array(C);
  for (let c = 0; c < C; c++) {
    shift += Math.abs(rm[c] - bm[c]) / Math.sqrt(bv[c] + eps);
    ratio[c] = (rv[c] + eps) / (bv[c] + eps);
    preMean += bm[c]; rmAvg += rm[c]; rvAvg += rv[c]; bvAvg += bv[c];
    if (Math.abs(gamma[c]) < collapsedGamma) collapsed++;
  }
  preMean /= C;
  let preVar = 0; // the variance over everything: within channels plus between their means (equal counts)
  for (let c = 0; c < C; c++) preVar += bv[c] + (bm[c] - preMean) ** 2;
  const [gammaMean, gammaStd] = meanStd(gamma);
  const [betaMean, betaStd] = meanStd(beta);
  const units = ref.info.unitIndex;
  const pick = (a: ArrayLike<number>) => units.map((u) => a[u]);
  return {
    layer: ref.info.name, input: ref.input, channels: C, center: d.beta !== null, scale: d.gamma !== null, epsilon: eps,
    preMean, preStd: Math.sqrt(preVar / C),
    runMeanAvg: rmAvg / C, batchMeanAvg: preMean, runVarAvg: rvAvg / C, batchVarAvg: bvAvg / C,
    meanShift: shift / C, varRatio: median(ratio),
    gammaMean, gammaStd, betaMean, betaStd, collapsed,
    runMean: pick(rm), runVar: pick(rv), batchMean: pick(bm), batchVar: pick(bv), gamma: pick(gamma), beta: pick(beta),
  };
}

export interface BnCollection {
  /** all of the model's weights (model.weights order) */
  weights: Float32Array;
  /** the probe batch itself */
  input: Float32Array;
  output(layer: string): Float32Array;
}

/** Every BN layer's statistics at one collection. */
export function batchNormStats(c: BnCollection, refs: BnRef[], collapsedGamma: number): BatchNormPayload {
  const w = (r: WeightRef | null) => (r ? c.weights.subarray(r.offset, r.offset + r.size) : null);
  return {
    layers: refs.map((ref) => layerBatchNormStats(ref, {
      x: ref.input === null ? c.input : c.output(ref.input),
      runMean: w(ref.movingMean)!, runVar: w(ref.movingVariance)!, gamma: w(ref.gamma), beta: w(ref.beta),
    }, collapsedGamma)),
  };
}
