// The init explorer: many random initialisations of the spec's model, each initialiser family
// side by side (Glorot, He, LeCun, N(0,1)), one batch through each, every layer's activations
// pooled into a histogram with its mean std, saturated and dead fractions. Shows at a glance
// which choice keeps activations alive through depth (Glorot & Bengio 2010; He et al. 2015).
import * as tf from '@tensorflow/tfjs';
import type { RunSpec } from '../../../../shared/spec.ts';
import { EXPLORED_INITIALIZERS, type ExploredInitializer, type InitExplorerResult, type InitLayerStats } from '../../../../shared/tools/init-explorer/definition.ts';
import type { ToolProgress } from '../../../../shared/host.ts';
import { isWeightedLayer } from '../../../../shared/layers.ts';
import type { BackendChoice } from '../../backends/select.ts';
import { Trainer } from '../../train/trainer.ts';
import { ProbePass } from '../../instruments/framework/probe.ts';
import { layerActivationStats } from '../../stats/unit-stats.ts';
import { histogram } from '../../stats/summarize.ts';
import { sampleSize } from '../../data/dataset.ts';
import { stopped } from '../framework/tool.ts';

function initializerFor(kind: ExploredInitializer, seed: number) {
  switch (kind) {
    case 'glorot_normal': return tf.initializers.glorotNormal({ seed });
    case 'he_normal': return tf.initializers.heNormal({ seed });
    case 'lecun_normal': return tf.initializers.leCunNormal({ seed });
    case 'random_normal(0,1)': return tf.initializers.randomNormal({ mean: 0, stddev: 1, seed });
  }
}

export async function initExplorer(
  spec: RunSpec, baseDir: string, opts: { backend?: BackendChoice; dataDirs?: readonly string[]; draws?: number; batch?: number; bins?: number; onProgress?: (p: ToolProgress) => void; signal?: AbortSignal } = {},
): Promise<InitExplorerResult> {
  const draws = opts.draws ?? 100, bins = opts.bins ?? 30;
  const trainer = new Trainer({ spec, baseDir, backend: opts.backend ?? 'auto', dataDirs: opts.dataDirs });
  await trainer.prepare();
  const { model, layers } = trainer.built;
  const d = trainer.data.train;
  const batch = Math.min(opts.batch ?? 64, d.n);
  const probe = new ProbePass(model, layers.map((l) => l.name), tf.tensor(d.x.subarray(0, batch * sampleSize(d.shape)), [batch, ...d.shape]));
  // The kernels re-drawn for each initialisation; biases stay zero.
  const kernels = model.layers.filter((l) => isWeightedLayer(l.getClassName()));
  const result: InitExplorerResult = { draws, batch, initializers: [] };
  let done = 0;
  for (const kind of EXPLORED_INITIALIZERS) {
    const pooled: { values: Float32Array[]; std: number; sat: number; dead: number }[] = layers.map(() => ({ values: [], std: 0, sat: 0, dead: 0 }));
    for (let k = 0; k < draws; k++) {
      await new Promise<void>((r) => setImmediate(r)); // let the host's messages in (a stop)
      if (opts.signal?.aborted) { probe.dispose(); model.dispose(); throw stopped(); }
      for (const [j, layer] of kernels.entries()) {
        const w = layer.getWeights();
        const fresh = w.map((t, i) => (i === 0 ? initializerFor(kind, spec.seed * 7919 + k * 131 + j).apply(t.shape) : tf.zerosLike(t)));
        layer.setWeights(fresh);
        tf.dispose(fresh);
      }
      const outputs = await probe.run();
      layers.forEach((info, i) => {
        const values = outputs.output(info.name), size = values.length, offset = 0;
        const s = layerActivationStats(values, 0, size, info, spec.instruments.activations, bins);
        pooled[i].std += s.std / draws;
        pooled[i].sat += s.saturatedFrac / draws;
        pooled[i].dead += s.deadFrac / draws;
        // keep a bounded sample of every draw's values for the pooled histogram
        const stride = Math.max(1, Math.floor(size / 2000));
        const keep = new Float32Array(Math.ceil(size / stride));
        for (let q = 0, p = offset; p < offset + size; p += stride, q++) keep[q] = values[p];
        pooled[i].values.push(keep);
      });
      opts.onProgress?.({ done: ++done, total: draws * EXPLORED_INITIALIZERS.length, note: kind });
    }
    const stats: InitLayerStats[] = layers.map((info, i) => {
      const all = new Float32Array(pooled[i].values.reduce((a, v) => a + v.length, 0));
      let o = 0;
      for (const v of pooled[i].values) { all.set(v, o); o += v.length; }
      let lo = Infinity, hi = -Infinity;
      for (const v of all) if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
      if (!Number.isFinite(lo)) { lo = 0; hi = 0; }
      return { layer: info.name, activation: info.activation, hist: histogram(all, 0, all.length, lo, hi, bins), std: pooled[i].std, saturatedFrac: pooled[i].sat, deadFrac: pooled[i].dead };
    });
    result.initializers.push({ initializer: kind, layers: stats });
  }
  probe.dispose();
  model.dispose();
  return result;
}
