// The batch-norm reduction against brute force on hand-made numbers: per-channel batch statistics
// in dense ([batch, units]) and conv ([batch, h, w, channels]) layouts, running statistics, gamma
// and beta out of the all-weights array, the summaries, the layer's epsilon from its configuration,
// layers without gamma/beta, and a model without BN.
import { describe, expect, it } from 'vitest';
import { batchnormInstrument } from '../../../../main/engine/instruments/batchnorm/instrument.ts';
import { bnRefs, channelMoments } from '../../../../main/engine/instruments/batchnorm/statistics.ts';
import { DEFAULT_EPSILON } from '../../../../shared/instruments/batchnorm/definition.ts';
import type { ReduceContext, ReduceInput, WeightRef } from '../../../../main/engine/instruments/framework/index.ts';
import type { LayerInfo } from '../../../../shared/layers.ts';

const info = (name: string, className: string, outputShape: (number | null)[], unitIndex?: number[]): LayerInfo => {
  const units = outputShape[outputShape.length - 1] as number;
  return {
    name, className, outputShape, params: 0, activation: null, unitKind: 'linear', kernelInitializer: null,
    units, unitIndex: unitIndex ?? Array.from({ length: units }, (_, i) => i), variables: [], trainable: true,
  };
};

/** A deterministic, uneven sequence (no two channels alike). */
const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + seed) * (1 + (i % 5)) + seed * 0.3);

interface Fixture {
  ctx: ReduceContext; input: ReduceInput;
  x: Float32Array; rm: number[]; rv: number[]; gamma: number[] | null; beta: number[] | null; eps: number;
  dims: number[]; // [batch, ...spatial, channels]
}

/** A model input -> `fc` (the BN input) -> `bn`, its numbers laid out as the collection gives them. */
function fixture(dims: number[], opts: { eps?: number; center?: boolean; scale?: boolean; unitIndex?: number[]; fromInput?: boolean } = {}): Fixture {
  const C = dims[dims.length - 1];
  const eps = opts.eps ?? 0.01;
  const shape = [null, ...dims.slice(1)];
  const x = values(dims.reduce((a, b) => a * b, 1), 1);
  const rm = Array.from({ length: C }, (_, c) => 0.5 - 0.2 * c);
  const rv = Array.from({ length: C }, (_, c) => 0.5 + c);
  const gamma = opts.scale === false ? null : Array.from({ length: C }, (_, c) => (c === 1 ? 0.001 : 1.5 - 0.25 * c));
  const beta = opts.center === false ? null : Array.from({ length: C }, (_, c) => 0.1 * c - 0.2);
  // all weights: a dense kernel first (not BN's), then BN's in tfjs order (gamma, beta, moving_mean, moving_variance)
  const parts: [string, number[]][] = [['fc/kernel', [7, 8, 9]]];
  if (gamma) parts.push(['bn/gamma', gamma]);
  if (beta) parts.push(['bn/beta', beta]);
  parts.push(['bn/moving_mean', rm], ['bn/moving_variance', rv]);
  let offset = 0;
  const weights: WeightRef[] = parts.map(([name, v]) => { const w = { name, layer: name.split('/')[0], shape: [v.length], size: v.length, offset, trainable: !name.includes('moving') }; offset += v.length; return w; });
  const flat = Float32Array.from(parts.flatMap(([, v]) => v));
  const layers = [info('fc', 'Dense', shape), info('bn', 'BatchNormalization', shape, opts.unitIndex)];
  const ctx: ReduceContext = {
    layers, trainable: [], weights, inputOf: { fc: null, bn: opts.fromInput ? null : 'fc' }, histogramBins: 4,
    layerConfig: { fc: {}, bn: { epsilon: eps } },
    options: { batchnorm: { enabled: true, collapsedGamma: 0.01, fold: true } },
  };
  const input: ReduceInput = {
    step: 3, epoch: 0, grads: null, clippedNorm: null, before: null, weights: flat,
    probe: { batch: dims[0], input: opts.fromInput ? x : new Float32Array(x.length).fill(99), output: (l) => (l === 'fc' ? x : new Float32Array(0)) },
  };
  return { ctx, input, x, rm, rv, gamma, beta, eps, dims };
}

/** Brute force: loop over every index of [batch, ...spatial, channels] and collect each channel's values. */
function bruteChannels(f: Fixture): number[][] {
  const C = f.dims[f.dims.length - 1];
  const per: number[][] = Array.from({ length: C }, () => []);
  const idx = f.dims.map(() => 0);
  for (let flat = 0; flat < f.x.length; flat++) {
    per[idx[idx.length - 1]].push(f.x[flat]);
    for (let d = idx.length - 1; d >= 0; d--) { if (++idx[d] < f.dims[d]) break; idx[d] = 0; }
  }
  return per;
}

const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const pvar = (a: number[]) => { const m = mean(a); return mean(a.map((v) => (v - m) ** 2)); };
const median = (a: number[]) => { const s = [...a].sort((p, q) => p - q); const k = s.length >> 1; return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2; };

function expectMatchesBruteForce(f: Fixture) {
  const reduced = batchnormInstrument.reduce!(f.input, f.ctx, f.ctx.options.batchnorm as never);
  expect(reduced.layers).toHaveLength(1);
  const l = reduced.layers[0];
  const per = bruteChannels(f);
  const C = per.length;
  const bm = per.map(mean), bv = per.map(pvar);
  const all = per.flat();
  const gamma = f.gamma ?? Array(C).fill(1), beta = f.beta ?? Array(C).fill(0);
  expect(l.layer).toBe('bn');
  expect(l.channels).toBe(C);
  expect(l.epsilon).toBe(f.eps); // the layer's configuration
  expect(l.preMean).toBeCloseTo(mean(all), 6);
  expect(l.preStd).toBeCloseTo(Math.sqrt(pvar(all)), 6);
  expect(l.batchMeanAvg).toBeCloseTo(mean(bm), 6);
  expect(l.runMeanAvg).toBeCloseTo(mean(f.rm), 6);
  expect(l.runVarAvg).toBeCloseTo(mean(f.rv), 6);
  expect(l.batchVarAvg).toBeCloseTo(mean(bv), 6);
  expect(l.meanShift).toBeCloseTo(mean(f.rm.map((r, c) => Math.abs(r - bm[c]) / Math.sqrt(bv[c] + f.eps))), 5);
  expect(l.varRatio).toBeCloseTo(median(f.rv.map((r, c) => (r + f.eps) / (bv[c] + f.eps))), 5);
  expect(l.gammaMean).toBeCloseTo(mean(gamma), 6);
  expect(l.gammaStd).toBeCloseTo(Math.sqrt(pvar(gamma)), 6);
  expect(l.betaMean).toBeCloseTo(mean(beta), 6);
  expect(l.betaStd).toBeCloseTo(Math.sqrt(pvar(beta)), 6);
  expect(l.collapsed).toBe(gamma.filter((g) => Math.abs(g) < 0.01).length);
  const units = f.ctx.layers[1].unitIndex;
  const close = (got: number[], want: number[]) => { expect(got).toHaveLength(want.length); got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5)); };
  close(l.batchMean, units.map((u) => bm[u]));
  close(l.batchVar, units.map((u) => bv[u]));
  close(l.runMean, units.map((u) => f.rm[u]));
  close(l.runVar, units.map((u) => f.rv[u]));
  close(l.gamma, units.map((u) => gamma[u]));
  close(l.beta, units.map((u) => beta[u]));
  return l;
}

describe('batch-norm reduction', () => {
  it('dense layout [batch, units]: every number as brute force computes it', () => {
    const l = expectMatchesBruteForce(fixture([16, 4]));
    expect([l.center, l.scale, l.input]).toEqual([true, true, 'fc']);
  });

  it('conv layout [batch, h, w, channels]: statistics per channel over batch and positions', () => {
    expectMatchesBruteForce(fixture([3, 4, 5, 3], { eps: 1e-3 }));
  });

  it('per-channel arrays keep the recorded channels (LayerInfo.unitIndex) only; summaries cover every channel', () => {
    const l = expectMatchesBruteForce(fixture([8, 5], { unitIndex: [0, 2, 4] }));
    expect(l.runMean).toHaveLength(3);
  });

  it('a layer without gamma or beta (scale/center off) counts them as 1 and 0 and says so', () => {
    const l = expectMatchesBruteForce(fixture([12, 3], { center: false, scale: false }));
    expect([l.center, l.scale, l.gammaStd, l.betaMean, l.collapsed]).toEqual([false, false, 0, 0, 0]);
  });

  it('BN on the model\'s input reads the probe batch itself', () => {
    const l = expectMatchesBruteForce(fixture([10, 3], { fromInput: true }));
    expect(l.input).toBeNull();
  });

  it('the moments do not lose precision on a large common offset (two passes)', () => {
    const x = Float64Array.from({ length: 2000 }, (_, i) => 1e4 + (i % 2 ? 1e-2 : -1e-2));
    const m = channelMoments(x, 2);
    expect(m.variance[0]).toBeCloseTo(0, 10);
    expect(channelMoments(Float64Array.from({ length: 2000 }, (_, i) => 1e4 + ((i >> 1) % 2 ? 1e-2 : -1e-2)), 2).variance[0]).toBeCloseTo(1e-4, 9);
  });

  it('a layer whose configuration has no epsilon uses the default', () => {
    const f = fixture([8, 2]);
    const ctx = { ...f.ctx, layerConfig: { fc: {}, bn: {} } };
    expect(batchnormInstrument.reduce!(f.input, ctx, f.ctx.options.batchnorm as never).layers[0].epsilon).toBe(DEFAULT_EPSILON);
    expect(DEFAULT_EPSILON).toBe(1e-3);
  });

  it('finds BN weights by layer and name whatever else the model holds; a model without BN is none of its business', () => {
    const f = fixture([4, 2]);
    const refs = bnRefs(f.ctx);
    expect(refs.map((r) => [r.info.name, r.movingMean.name, r.movingVariance.name, r.gamma?.name, r.beta?.name])).toEqual([['bn', 'bn/moving_mean', 'bn/moving_variance', 'bn/gamma', 'bn/beta']]);
    expect(batchnormInstrument.appliesTo!(f.ctx)).toBe(true);
    expect(batchnormInstrument.appliesTo!({ ...f.ctx, layers: [f.ctx.layers[0]] })).toBe(false);
  });
});
