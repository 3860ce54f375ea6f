// How a run's model is described to everything that reads its events: one LayerInfo per layer,
// and the few rules about layers that several places need (what kind of unit a layer has, its
// default name, which of its variables is the kernel). Each rule lives here once.
import type { LayerSpec } from './spec.ts';

/** How a layer's output is judged: saturation for squashing units, deadness for the ReLU family. */
export type UnitKind = 'sigmoid' | 'tanh' | 'softmax' | 'relu' | 'relu_family' | 'linear' | 'other';

export interface LayerInfo {
  name: string;
  className: string;
  outputShape: (number | null)[];
  params: number;
  activation: string | null;
  unitKind: UnitKind;
  kernelInitializer: string | null;
  /** number of units (last axis) of the output */
  units: number;
  /** which units the per-unit arrays record (evenly spaced when the layer has more than maxUnits) */
  unitIndex: number[];
  /** names of this layer's trainable variables */
  variables: string[];
  /** false when the spec froze the layer */
  trainable: boolean;
}

export function unitKindOf(activation: string | null): UnitKind {
  switch (activation) {
    case 'sigmoid': case 'tanh': case 'softmax': case 'relu': case 'linear': return activation;
    case 'leaky_relu': case 'elu': case 'selu': return 'relu_family';
    case null: return 'linear';
    default: return 'other';
  }
}

/** Units that can die: they output zero (or a constant) for every input and then get no gradient. */
export function canDie(kind: UnitKind): boolean {
  return kind === 'relu' || kind === 'relu_family';
}

/** Units whose output squashes into a range and saturates at its ends (softmax excluded: it is an output). */
export function canSaturate(kind: UnitKind): kind is 'sigmoid' | 'tanh' {
  return kind === 'sigmoid' || kind === 'tanh';
}

/** Dense and convolution layers: the ones with a kernel, whose weights the initialiser, the
 *  gradients and the update ratios are about. */
export function isWeightedLayer(className: string): boolean {
  return className === 'Dense' || className === 'Conv2D';
}

/** Layer names as a user reads them: the spec's name, or type_index counting from 1. */
export function layerName(l: Pick<LayerSpec, 'type' | 'name'>, i: number): string {
  return l.name ?? `${l.type}_${i + 1}`;
}

/** A variable that is a layer's kernel (its weight matrix or filters), as opposed to a bias or a scale. */
export function isKernel(variable: string): boolean {
  return variable.endsWith('kernel');
}

/** The layer's kernel variable, or null for layers without one. */
export function kernelOf(layer: Pick<LayerInfo, 'variables'>): string | null {
  return layer.variables.find(isKernel) ?? null;
}

export type InitializerFamily = 'he' | 'glorot' | 'lecun';

/**
 * The initialiser family that keeps an activation's signal variance from layer to layer: He for
 * the ReLU family (He et al. 2015), LeCun for SELU (Klambauer et al. 2017), Glorot for sigmoid,
 * tanh and softmax (Glorot & Bengio 2010); null for linear outputs, where any of them works.
 */
export function initializerFor(activation: string): InitializerFamily | null {
  if (activation === 'selu') return 'lecun';
  if (activation === 'linear') return null;
  return canDie(unitKindOf(activation)) ? 'he' : 'glorot';
}

/** The family of an initialiser name (he_normal -> he); other names (zeros, constant...) as they are. */
export function initializerFamily(name: string): string {
  return /^(he|glorot|lecun)_/.exec(name)?.[1] ?? name;
}
