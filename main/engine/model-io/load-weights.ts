// Imported weights into a built model, by layer name: a layer gets the file's weights when it has
// as many arrays of the same shapes, else it keeps its initialisers and the run says why (a layer
// a remedy widened, a new head). Keras and tfjs order a layer's arrays alike (kernel, bias; batch
// norm: gamma, beta, moving mean, moving variance), so they go in as they come.
import * as tf from '@tensorflow/tfjs';
import type { ModelWeights } from './types.ts';

export interface LoadedWeights { loaded: string[]; fresh: { layer: string; why: string }[] }

export function loadWeights(model: tf.LayersModel, weights: ModelWeights): LoadedWeights {
  const out: LoadedWeights = { loaded: [], fresh: [] };
  for (const layer of model.layers) {
    const mine = layer.getWeights();
    if (!mine.length) continue;
    const theirs = weights[layer.name];
    if (!theirs) { out.fresh.push({ layer: layer.name, why: 'not in the file' }); continue; }
    const fmt = (s: number[]) => `[${s.join(', ')}]`;
    const differs = theirs.length !== mine.length || theirs.some((w, k) => fmt(w.shape) !== fmt(mine[k].shape));
    if (differs) {
      out.fresh.push({ layer: layer.name, why: `the file has ${theirs.map((w) => fmt(w.shape)).join(' ')}, the model ${mine.map((w) => fmt(w.shape)).join(' ')}` });
      continue;
    }
    const values = theirs.map((w) => tf.tensor(w.values, w.shape, 'float32'));
    layer.setWeights(values);
    tf.dispose(values);
    out.loaded.push(layer.name);
  }
  return out;
}

/** The one line a run shows about what it loaded. */
export function loadedNote(file: string, r: LoadedWeights): string {
  const fresh = r.fresh.map((f) => `${f.layer} (${f.why})`).join('; ');
  return `weights from ${file}: ${r.loaded.length ? r.loaded.join(', ') : 'no layer'}${fresh ? `; from the initialisers: ${fresh}` : ''}`;
}
