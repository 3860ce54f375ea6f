// One collection, from the numbers read back from the device to the three instrument payloads.
// Pure functions of their inputs, so the same code runs on the training thread or off it.
import type { LayerInfo } from '../../../shared/events.ts';
import type { InstrumentsSpec } from '../../../shared/spec.ts';
import type { ActivationsPayload } from '../../../shared/instruments/activations.ts';
import type { GradientsPayload } from '../../../shared/instruments/gradients.ts';
import type { WeightsPayload } from '../../../shared/instruments/weights.ts';
import { activationStats } from './activations/collector.ts';
import { gradientStats } from './gradients/collector.ts';
import { weightStats } from './weights/collector.ts';

/** A trainable variable as the reductions see it: plain data, safe to send to a worker. */
export interface VariableRef { name: string; layer: string; size: number; weightOffset: number }

export interface CollectionContext {
  layers: LayerInfo[];
  vars: VariableRef[];
  instruments: InstrumentsSpec;
}

/** What the training thread reads back from the device at a collection step. */
export interface CollectionInput {
  step: number;
  epoch: number;
  /** raw gradients of the trainable variables, concatenated in order */
  grads: Float32Array;
  /** global norm after clipping; null when no clipping is configured */
  clippedNorm: number | null;
  /** all of the model's weights after the update (model.weights order) */
  weights: Float32Array;
  /** the same before the update; null: they are the previous collection's `weights` (it was the step before) */
  before: Float32Array | null;
}

export interface CollectionOutput {
  step: number;
  epoch: number;
  activations: ActivationsPayload;
  gradients: GradientsPayload;
  weights: WeightsPayload;
}

export function reduceCollection(
  ctx: CollectionContext, input: CollectionInput, before: Float32Array, activations: Float32Array, probeBatch: number,
): CollectionOutput {
  const bins = ctx.instruments.histogramBins;
  return {
    step: input.step,
    epoch: input.epoch,
    gradients: gradientStats(input.grads, ctx.vars, bins, input.clippedNorm),
    weights: weightStats(before, input.weights, ctx.vars, bins),
    activations: activationStats(activations, probeBatch, ctx.layers, ctx.instruments),
  };
}
