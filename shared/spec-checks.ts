// Checks that span fields of a spec and that the engine also makes when a run starts: does the
// output layer fit the data's classes, does its activation fit the loss. They live here, pure,
// so the app can run them while a spec is edited and the engine runs the very same code at start.
// They read a spec loosely (as typed, defaults not filled in), so they work on a draft that
// still has other errors.
import { DATASETS, type DatasetName } from './datasets.ts';

export type LossName = 'categorical_crossentropy' | 'binary_crossentropy' | 'mse' | 'mae';

/** What a check found: the field it is about (as formatPath writes it), the problem, and whether a run can start with it. */
export interface CrossFieldIssue { path: string; message: string; severity: 'error' | 'warning' }

interface LooseLayer { type?: unknown; units?: unknown; activation?: unknown }
/** A spec as typed: only the fields the checks read, each possibly missing or wrong. */
interface LooseSpec {
  data?: { train?: { type?: unknown; name?: unknown; classes?: unknown; task?: unknown } };
  model?: { layers?: unknown };
  training?: { loss?: unknown };
}
const loose = (spec: unknown): LooseSpec => (spec !== null && typeof spec === 'object' ? spec as LooseSpec : {});

const DEFAULT_LOSS: LossName = 'categorical_crossentropy';
const lossOf = (spec: LooseSpec): LossName => (typeof spec.training?.loss === 'string' ? spec.training.loss as LossName : DEFAULT_LOSS);
const layersOf = (spec: LooseSpec): LooseLayer[] => (Array.isArray(spec.model?.layers) ? spec.model.layers.filter((l): l is LooseLayer => typeof l === 'object' && l !== null) : []);

/**
 * How many classes the training data has, as far as the spec alone tells: a number, null for a
 * regression target, undefined when only the files know (IDX, image folders, CSV class labels).
 */
export function specClasses(input: unknown): number | null | undefined {
  const spec = loose(input);
  const src = spec.data?.train;
  if (!src || typeof src !== 'object') return undefined;
  switch (src.type) {
    case 'synthetic': return src.name === 'spirals' || src.name === 'blobs' ? (typeof src.classes === 'number' ? src.classes : 2) : 2;
    case 'mnist-digits': return 10;
    case 'dataset': return typeof src.name === 'string' && src.name in DATASETS ? DATASETS[src.name as DatasetName].classNames.length : undefined;
    case 'csv': return src.task === 'regression' ? null : undefined;
    default: return undefined;
  }
}

/** Layers after the output's dense layer that leave its width as it is. */
const KEEPS_WIDTH = new Set(['dropout', 'activation', 'batchnorm', 'gaussian_noise']);

/** The layer that sets the model's output width (its index), when the spec alone tells: the last dense layer with nothing after it that reshapes. */
export function outputLayerIndex(input: unknown): number | null {
  const spec = loose(input);
  const layers = layersOf(spec);
  for (let i = layers.length - 1; i >= 0; i--) {
    const t = layers[i].type;
    if (t === 'dense') return i;
    if (typeof t !== 'string' || !KEEPS_WIDTH.has(t)) return null;
  }
  return null;
}

/** Why an output of `units` units does not fit the loss and the data's classes (null: a regression target), or null when it does. The engine's words at start. */
export function outputUnitsProblem(units: number, loss: LossName, classes: number | null): { field: 'units' | 'loss'; message: string } | null {
  if (classes === null) {
    if (loss === 'categorical_crossentropy' || loss === 'binary_crossentropy') return { field: 'loss', message: `${loss} needs class labels but the data is a regression target; use mse or mae` };
    return units === 1 ? null : { field: 'units', message: `the output has ${units} units but a regression target needs 1` };
  }
  if (loss === 'binary_crossentropy') {
    if (classes !== 2) return { field: 'loss', message: `binary_crossentropy needs 2 classes, the data has ${classes}` };
    return units === 1 ? null : { field: 'units', message: `the output has ${units} units; binary_crossentropy needs 1 (a sigmoid unit)` };
  }
  return units === classes ? null : { field: 'units', message: `the output has ${units} units but the data has ${classes} classes` };
}

/** Why the last activation does not suit the loss, or null. (A run may still start: the diagnosis names it, which is worth seeing once.) */
export function outputMismatch(input: unknown): string | null {
  const spec = loose(input);
  const last = [...layersOf(spec)].reverse().find((l) => l.type === 'dense' || l.type === 'conv2d' || l.type === 'activation');
  const act = last && typeof last.activation === 'string' ? last.activation : 'linear';
  const loss = lossOf(spec);
  if (loss === 'categorical_crossentropy' && act !== 'softmax') return `the output activation is ${act}, but categorical_crossentropy expects softmax probabilities`;
  if (loss === 'binary_crossentropy' && act !== 'sigmoid') return `the output activation is ${act}, but binary_crossentropy expects a sigmoid probability`;
  return null;
}

/** The layer whose activation is the output's (for pointing at it), or null. */
function outputActivationIndex(spec: LooseSpec): number | null {
  const layers = layersOf(spec);
  for (let i = layers.length - 1; i >= 0; i--) if (layers[i].type === 'dense' || layers[i].type === 'conv2d' || layers[i].type === 'activation') return i;
  return null;
}

/** Every cross-field problem the spec shows before any data is loaded: errors the engine would refuse at start, warnings it would run with. */
export function crossFieldIssues(input: unknown): CrossFieldIssue[] {
  const spec = loose(input);
  const issues: CrossFieldIssue[] = [];
  const classes = specClasses(spec);
  const out = outputLayerIndex(spec);
  const units = out === null ? undefined : layersOf(spec)[out].units;
  if (classes !== undefined && out !== null && typeof units === 'number') {
    const p = outputUnitsProblem(units, lossOf(spec), classes);
    if (p) issues.push({ path: p.field === 'units' ? `model.layers[${out}].units` : 'training.loss', message: p.message, severity: 'error' });
  }
  // (no layer with an activation yet: nothing to compare the loss with)
  const act = outputActivationIndex(spec);
  const mismatch = act === null ? null : outputMismatch(spec);
  if (mismatch) issues.push({ path: `model.layers[${act}].activation`, message: mismatch, severity: 'warning' });
  return issues;
}
