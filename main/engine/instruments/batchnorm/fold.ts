// The fold check (BN fusion). At inference a batch-norm layer is a fixed affine map per channel,
// y = gamma (z - mean) / sqrt(var + eps) + beta, so when it directly follows a dense or conv2d
// layer without an activation (z = W x + b) it folds into that layer's weights:
//   W' = W * gamma / sqrt(var + eps)            (per output channel, the kernel's last axis)
//   b' = (b - mean) * gamma / sqrt(var + eps) + beta      (b = 0 without a bias)
// which is how deployed models run BN. The check folds every BN layer it can (arithmetic in
// float64 on weights read back once), runs the folded layer as tf ops in float32 on the probe
// batch and compares it with BN(layer(x)) in inference mode.
import * as tf from '@tensorflow/tfjs';
import { BN_CLASS, type FoldLayerRecord } from '../../../../shared/instruments/batchnorm/definition.ts';
import type { LayerInfo } from '../../../../shared/layers.ts';
import { readScalars } from '../framework/index.ts';

const FOLDS_INTO = new Set(['Dense', 'Conv2D']);

export interface FoldPlan {
  /** the BN layer */
  layer: string;
  /** the layer right before it (null: the model's input) */
  into: string | null;
  foldable: boolean;
  reason?: string;
}

/** For every BN layer: the dense/conv layer it folds into, or why it cannot be folded. */
export function foldPlan(model: tf.LayersModel, layers: LayerInfo[]): FoldPlan[] {
  return layers.filter((l) => l.className === BN_CLASS).map((l): FoldPlan => {
    const bn = model.getLayer(l.name);
    const prev = bn.inboundNodes[0]?.inboundLayers[0];
    const no = (into: string | null, reason: string): FoldPlan => ({ layer: l.name, into, foldable: false, reason });
    if (!prev || prev.getClassName() === 'InputLayer') return no(null, 'it normalises the model\'s input: there is no layer before it to fold into');
    const cls = prev.getClassName();
    if (cls === 'LeakyReLU' || cls === 'Activation') return no(prev.name, `${prev.name} before it is an activation (${cls}): BN after a nonlinearity cannot be folded into the weights`);
    if (!FOLDS_INTO.has(cls)) return no(prev.name, `${prev.name} before it is a ${cls} layer, not a dense or conv2d layer: only BN right after one folds into its weights`);
    const act = layers.find((p) => p.name === prev.name)?.activation ?? (prev.getConfig().activation as string | undefined) ?? 'linear';
    if (act !== 'linear') return no(prev.name, `${prev.name} applies ${act} before BN: BN after a nonlinearity cannot be folded into the weights (the fold would need the activation to be linear)`);
    const axis = bn.getConfig().axis as number;
    const rank = (bn.outputShape as (number | null)[]).length;
    if (axis !== -1 && axis !== rank - 1) return no(prev.name, `it normalises axis ${axis}, not the channels (the last axis) of ${prev.name}`);
    if (cls === 'Conv2D' && prev.getConfig().dataFormat === 'channelsFirst') return no(prev.name, `${prev.name} is channels-first`);
    if (prev.outboundNodes.length > 1) return no(prev.name, `${prev.name}'s output also feeds other layers, which the fold would change`);
    return { layer: l.name, into: prev.name, foldable: true };
  });
}

/** A dense/conv layer and the BN after it, as numbers. */
export interface FoldInputs {
  kernel: Float32Array;
  /** dense [in, C]; conv2d [kh, kw, cin, C]: the output channel is the last axis */
  kernelShape: number[];
  bias: Float32Array | null;
  gamma: Float32Array | null;
  beta: Float32Array | null;
  mean: Float32Array;
  variance: Float32Array;
  epsilon: number;
}

export interface Folded { kernel: Float64Array; bias: Float64Array }

/** BN folded into the layer before it, in float64. */
export function foldBatchNorm(w: FoldInputs): Folded {
  const C = w.mean.length;
  const scale = new Float64Array(C);
  for (let c = 0; c < C; c++) scale[c] = (w.gamma ? w.gamma[c] : 1) / Math.sqrt(w.variance[c] + w.epsilon);
  const kernel = new Float64Array(w.kernel.length);
  for (let i = 0, c = 0; i < kernel.length; i++, c = c + 1 === C ? 0 : c + 1) kernel[i] = w.kernel[i] * scale[c];
  const bias = new Float64Array(C);
  for (let c = 0; c < C; c++) bias[c] = ((w.bias ? w.bias[c] : 0) - w.mean[c]) * scale[c] + (w.beta ? w.beta[c] : 0);
  return { kernel, bias };
}

async function values(v: tf.LayerVariable | undefined): Promise<Float32Array | null> {
  return v ? ((await v.read().data()) as Float32Array).slice() : null;
}
const variable = (l: tf.layers.Layer, what: string) => l.weights.find((w) => w.originalName.split('/').pop() === what);

/** One model over the model's inputs giving each foldable pair's input and BN output (shares the model's layers: never dispose it). */
const probeModels = new WeakMap<tf.LayersModel, Map<string, tf.LayersModel>>();
function pairsModel(model: tf.LayersModel, plans: FoldPlan[]): tf.LayersModel {
  let byKey = probeModels.get(model);
  if (!byKey) probeModels.set(model, (byKey = new Map()));
  const key = plans.map((p) => p.layer).join('|');
  let m = byKey.get(key);
  if (!m) {
    const outputs = plans.flatMap((p) => [model.getLayer(p.into!).input as tf.SymbolicTensor, model.getLayer(p.layer).output as tf.SymbolicTensor]);
    m = tf.model({ inputs: model.inputs, outputs });
    byKey.set(key, m);
  }
  return m;
}

/**
 * The fold check of every BN layer of `model` on the probe batch: max |folded(x) - BN(layer(x))|
 * and max |BN(layer(x))| per layer, in inference mode. `fold` is the arithmetic under test (the
 * tests pass a wrong one to see the check fail). Every tensor it makes is disposed.
 */
export async function foldCheck(
  model: tf.LayersModel, layers: LayerInfo[], probe: tf.Tensor,
  fold: (w: FoldInputs) => Folded = foldBatchNorm,
): Promise<FoldLayerRecord[]> {
  const plans = foldPlan(model, layers);
  const foldable = plans.filter((p) => p.foldable);
  const results = new Map<string, [number, number]>();
  if (foldable.length) {
    const folded = await Promise.all(foldable.map(async (p) => {
      const into = model.getLayer(p.into!), bn = model.getLayer(p.layer);
      const kernel = variable(into, 'kernel')!;
      const w: FoldInputs = {
        kernel: (await values(kernel))!, kernelShape: kernel.shape as number[], bias: await values(variable(into, 'bias')),
        gamma: await values(variable(bn, 'gamma')), beta: await values(variable(bn, 'beta')),
        mean: (await values(variable(bn, 'moving_mean')))!, variance: (await values(variable(bn, 'moving_variance')))!,
        epsilon: bn.getConfig().epsilon as number, // the layer's own: built from the spec's
      };
      return { plan: p, shape: w.kernelShape, conv: into.getClassName() === 'Conv2D', config: into.getConfig(), f: fold(w) };
    }));
    const pairs = pairsModel(model, foldable);
    const scalars = tf.tidy(() => {
      const outs = pairs.apply(probe, { training: false }) as tf.Tensor[];
      return folded.flatMap(({ shape, conv, config, f }, i) => {
        const x = outs[2 * i], ref = outs[2 * i + 1];
        const k = tf.tensor(Float32Array.from(f.kernel), shape);
        const b = tf.tensor1d(Float32Array.from(f.bias));
        const z = conv
          ? tf.conv2d(x as tf.Tensor4D, k as tf.Tensor4D, config.strides as [number, number], config.padding as 'same' | 'valid', 'NHWC', config.dilationRate as [number, number]).add(b)
          : x.reshape([-1, shape[0]]).matMul(k as tf.Tensor2D).add(b).reshape(ref.shape);
        return [z.sub(ref).abs().max(), ref.abs().max()];
      });
    });
    const v = await readScalars(scalars);
    tf.dispose(scalars);
    folded.forEach(({ plan }, i) => results.set(plan.layer, [v[2 * i], v[2 * i + 1]]));
  }
  return plans.map((p) => {
    const [maxAbsErr, maxAbsOut] = results.get(p.layer) ?? [NaN, NaN];
    return { layer: p.layer, into: p.into, foldable: p.foldable, ...(p.reason ? { reason: p.reason } : {}), maxAbsErr, maxAbsOut };
  });
}
