// The neutral form every model file is read into and written from: the spec's own layers (each
// with its name) and the weights by layer name in Keras order. Readers (.keras, .h5, tfjs
// model.json) and writers (.keras, .h5, the BN-folded model, the Python script) meet here, so no
// format knows another.
import type { LayerSpec } from '../../../shared/spec.ts';

/** One weight array of a layer, in Keras order: kernel, bias; batch norm: gamma, beta, moving_mean, moving_variance. */
export interface WeightArray {
  /** Keras' short name without the layer prefix or ":0" (kernel, bias, gamma, beta, moving_mean, moving_variance) */
  name: string;
  /** Keras/tfjs layout: dense [in, out], conv2d [kh, kw, in, out] */
  shape: number[];
  values: Float32Array;
}

/** Weights by layer name (the spec layer's `name`); a layer without weights has no entry. */
export type ModelWeights = Record<string, WeightArray[]>;

export type ModelFormat = 'keras' | 'h5' | 'tfjs';

export interface NeutralModel {
  /** input shape without the batch axis, as the file gives it (e.g. [784] or [28, 28, 1]) */
  inputShape: number[];
  /** every layer has `name` set; the names are unique */
  layers: LayerSpec[];
  /** null when the file holds an architecture only */
  weights: ModelWeights | null;
}

export interface ImportedModel extends NeutralModel {
  file: string;
  format: ModelFormat;
  /** what wrote it, when the file says (e.g. "keras 3.5.0", "TensorFlow.js tfjs-layers v4.22.0") */
  producer: string | null;
}
