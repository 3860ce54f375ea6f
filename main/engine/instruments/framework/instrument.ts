// An instrument, engine side: what a collection must read back from the device for it, and a
// pure `reduce` from those numbers to its payload, which runs in the statistics worker (or on
// the training thread when no worker starts). Checks that need the live model (a forward pass,
// a fold of weights) are training hooks instead.
import type { InstrumentDefinition, OptionsOf, PayloadOf } from '../../../../shared/instruments/framework/define.ts';
import type { LayerInfo } from '../../../../shared/layers.ts';
import type { HookContext, TrainingHook } from '../../train/hooks.ts';

/** What a collection reads back for an instrument. */
export interface Reads {
  /** the raw gradients of the trainable variables (and the global norm after clipping) */
  gradients?: boolean;
  /** all of the model's weights after the update */
  weights?: boolean;
  /** ...and before it (update ratios) */
  before?: boolean;
  /** every layer's output on the fixed probe batch (inference mode) */
  probe?: boolean;
}

/** A trainable variable, in gradient order: plain data, safe to send to a worker. */
export interface VariableRef { name: string; layer: string; size: number; weightOffset: number }

/** Any of the model's weights (trainable or not, e.g. batch-norm moving statistics), in model.weights order. */
export interface WeightRef { name: string; layer: string; shape: number[]; size: number; offset: number; trainable: boolean }

/** What every reduction knows of the run, fixed at its start: plain data, sent to the worker once. */
export interface ReduceContext {
  layers: LayerInfo[];
  /** trainable variables in gradient order; `weightOffset` places each in the all-weights array */
  trainable: VariableRef[];
  /** every weight of the model in model.weights order */
  weights: WeightRef[];
  /** the layer whose output feeds each layer; null: the model's input */
  inputOf: Record<string, string | null>;
  /** each layer's configuration as tfjs serialises it (epsilon, momentum, strides...) */
  layerConfig: Record<string, Record<string, unknown>>;
  histogramBins: number;
  /** each instrument's options (its section of spec.instruments), by id */
  options: Record<string, unknown>;
}

/** Every layer's output on the probe batch, flat, layer after layer ([batch, ...shape] each). */
export interface ProbeOutputs {
  batch: number;
  /** the probe batch itself (what the first layer sees) */
  input: Float32Array;
  /** a layer's output (a view, not a copy) */
  output(layer: string): Float32Array;
}

/** What the training thread reads back from the device at a collection step (what the active instruments need). */
export interface CollectionInput {
  step: number;
  epoch: number;
  /** raw gradients of the trainable variables, concatenated in order */
  grads: Float32Array | null;
  /** global gradient norm after clipping; null when no clipping is configured */
  clippedNorm: number | null;
  /** all of the model's weights after the update (model.weights order) */
  weights: Float32Array | null;
  /** the same before the update; null: they are the previous collection's `weights` (it was the step before) */
  before: Float32Array | null;
}

/** The numbers of one collection as a reduction sees them: paired with the weights before the update, and the probe pass. */
export interface ReduceInput extends CollectionInput {
  probe: ProbeOutputs | null;
}

export interface EngineInstrument<D extends InstrumentDefinition = InstrumentDefinition> {
  readonly definition: D;
  /** false: this run's model gives it nothing to record (no batch-norm layer...): it reads nothing and records nothing */
  appliesTo?(ctx: ReduceContext): boolean;
  readonly reads?: Reads;
  /** Pure: no tensors, no I/O. Runs in the statistics worker. */
  reduce?(input: ReduceInput, ctx: ReduceContext, options: OptionsOf<D>): PayloadOf<D>;
  /** Training hooks for what a collection cannot do; null when the run gives it nothing to do. */
  hook?(ctx: HookContext, options: OptionsOf<D>): TrainingHook | null;
}

export function defineEngineInstrument<D extends InstrumentDefinition>(i: EngineInstrument<D>): EngineInstrument<D> {
  return i;
}

/** The instruments that record in a run: switched on in the spec, and with something to record in its model. */
export function activeInstruments(all: readonly EngineInstrument[], ctx: ReduceContext): EngineInstrument[] {
  return all.filter((i) => (ctx.options[i.definition.id] as { enabled: boolean }).enabled && (i.appliesTo?.(ctx) ?? true));
}

/** Does this instrument take part in the init snapshot (before any step: no gradients, no update)? */
export function readsAtInit(i: EngineInstrument): boolean {
  return !!i.reduce && !i.reads?.gradients && !i.reads?.before;
}
