// The probe pass: the fixed probe batch through the model in inference mode (training mode would
// update batch-norm statistics a second time per step), every recorded layer's output read back
// from the device once, as one flat array.
import * as tf from '@tensorflow/tfjs';
import type { ProbeOutputs } from './instrument.ts';

export class ProbePass {
  private readonly probeModel: tf.LayersModel;
  private readonly offsets = new Map<string, [number, number]>();
  private readonly input: Promise<Float32Array>;

  constructor(model: tf.LayersModel, layerNames: string[], private readonly probe: tf.Tensor) {
    // Shares the model's layers and weights; it must never be disposed (that would dispose them).
    this.probeModel = tf.model({ inputs: model.inputs, outputs: layerNames.map((n) => model.getLayer(n).output as tf.SymbolicTensor) });
    let offset = 0;
    const batch = probe.shape[0];
    for (const n of layerNames) {
      const size = batch * (model.getLayer(n).outputShape as (number | null)[]).slice(1).reduce<number>((a, b) => a * (b ?? 1), 1);
      this.offsets.set(n, [offset, offset + size]);
      offset += size;
    }
    this.input = probe.data() as Promise<Float32Array>;
  }

  get batch() { return this.probe.shape[0]; }

  async run(): Promise<ProbeOutputs> {
    const flat = tf.tidy(() => {
      const outs = this.probeModel.apply(this.probe, { training: false }) as tf.Tensor | tf.Tensor[];
      const list = Array.isArray(outs) ? outs : [outs];
      return tf.concat(list.map((o) => o.reshape([-1])));
    });
    const values = (await flat.data()) as Float32Array;
    flat.dispose();
    const offsets = this.offsets;
    return {
      batch: this.batch,
      input: await this.input,
      output(layer: string) {
        const o = offsets.get(layer);
        if (!o) throw new Error(`the probe pass does not record layer ${layer}`);
        return values.subarray(o[0], o[1]);
      },
    };
  }

  dispose() {
    this.probe.dispose();
  }
}
