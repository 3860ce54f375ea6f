// Activation statistics on the fixed probe batch: every layer's output from one inference-mode
// pass (training mode would update batch-norm statistics a second time per step), read back
// from the device once, reduced per layer and per unit in JS.
import * as tf from '@tensorflow/tfjs';
import type { ActivationsPayload, LayerActivationStats, UnitKind } from '../../../../shared/instruments/activations.ts';
import type { LayerInfo } from '../../../../shared/events.ts';
import type { InstrumentsSpec } from '../../../../shared/spec.ts';
import { summarize } from '../../stats/summarize.ts';

/** Is one output value saturated, for this kind of unit? */
function saturationTest(kind: UnitKind, s: InstrumentsSpec['saturation']): ((v: number) => boolean) | null {
  if (kind === 'sigmoid') return (v) => v < s.sigmoid || v > 1 - s.sigmoid;
  if (kind === 'tanh') return (v) => v < -1 + s.tanh || v > 1 - s.tanh;
  return null;
}

export function layerActivationStats(
  values: ArrayLike<number>, start: number, end: number, info: LayerInfo, spec: InstrumentsSpec,
): LayerActivationStats {
  const base = summarize(values, start, end, spec.histogramBins);
  const units = info.units;
  const saturated = saturationTest(info.unitKind, spec.saturation);
  const canDie = info.unitKind === 'relu' || info.unitKind === 'relu_family';
  const satCount = new Float64Array(units);
  const positive = new Uint8Array(units);
  let satTotal = 0;
  // Elements are laid out [batch, ..., units]: element k belongs to unit k % units.
  if (saturated || canDie) {
    for (let i = start, u = 0; i < end; i++, u = u + 1 === units ? 0 : u + 1) {
      const v = values[i];
      if (saturated && saturated(v)) { satCount[u]++; satTotal++; }
      if (v > 0) positive[u] = 1;
    }
  }
  const perUnit = (end - start) / units;
  const unitSaturated = info.unitIndex.map((u) => (saturated ? satCount[u] / perUnit : 0));
  const unitDead = info.unitIndex.map((u) => (canDie && !positive[u] ? 1 : 0));
  let dead = 0;
  if (canDie) for (let u = 0; u < units; u++) if (!positive[u]) dead++;
  return {
    layer: info.name, ...base,
    saturatedFrac: saturated && end > start ? satTotal / (end - start) : 0,
    deadFrac: canDie ? dead / units : 0,
    unitSaturated, unitDead,
  };
}

/** Statistics of every recorded layer from the flat outputs of one probe pass (layers in order). */
export function activationStats(values: ArrayLike<number>, batch: number, layers: LayerInfo[], spec: InstrumentsSpec): ActivationsPayload {
  let offset = 0;
  return {
    layers: layers.map((info) => {
      const size = batch * info.outputShape.slice(1).reduce<number>((a, b) => a * (b ?? 1), 1);
      const s = layerActivationStats(values, offset, offset + size, info, spec);
      offset += size;
      return s;
    }),
  };
}

/**
 * Runs the probe batch through a model in inference mode (training mode would update
 * batch-norm statistics a second time per step) and returns every layer's output, flat.
 */
export class ProbePass {
  private readonly probeModel: tf.LayersModel;

  constructor(model: tf.LayersModel, layerNames: string[], private readonly probe: tf.Tensor) {
    // Shares the model's layers and weights; it must never be disposed (that would dispose them).
    this.probeModel = tf.model({ inputs: model.inputs, outputs: layerNames.map((n) => model.getLayer(n).output as tf.SymbolicTensor) });
  }

  get batch() { return this.probe.shape[0]; }

  async run(): Promise<Float32Array> {
    const flat = tf.tidy(() => {
      const outs = this.probeModel.apply(this.probe, { training: false }) as tf.Tensor | tf.Tensor[];
      const list = Array.isArray(outs) ? outs : [outs];
      return tf.concat(list.map((o) => o.reshape([-1])));
    });
    const values = (await flat.data()) as Float32Array;
    flat.dispose();
    return values;
  }

  dispose() {
    this.probe.dispose();
  }
}
