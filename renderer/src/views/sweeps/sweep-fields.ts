// The fields of a run spec a sweep can vary, read from the spec itself: the optimiser and its
// learning rate, batch size, epochs, and for each layer what it has (units or filters, activation,
// initialiser, L2, dropout rate). Each names its spec path, so what the user ticks is exactly the
// `parameters` key the sweep file would have.
import { ACTIVATIONS, type LayerSpec, type RunSpec } from '../../../../shared/spec.ts';
import { layerName } from '../../../../shared/layers.ts';

export type FieldKind = 'real' | 'int' | 'choice';

export interface SweepField {
  /** the parameter's spec path, e.g. `model.layers[1].units` */
  path: string;
  /** what a person calls it: "dense_2 units" */
  label: string;
  kind: FieldKind;
  /** the value the spec has now (a choice field: its option's name) */
  current: number | string;
  /** a choice's options, by name */
  options?: readonly string[];
  /** a positive quantity that spans decades (learning rate, L2): a log range suits it */
  logScale?: boolean;
  /** 'dropout rate' and the like: below 1 */
  below1?: boolean;
  /** a choice whose value in the spec is an object built from the option's name (the optimiser) */
  toValue?: (option: string) => unknown;
}

export const OPTIMIZER_TYPES = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'nadam', 'adamax'] as const;
export const INITIALIZERS = ['glorot_uniform', 'glorot_normal', 'he_normal', 'he_uniform', 'lecun_normal', 'lecun_uniform'] as const;
const HIDDEN_ACTIVATIONS = ACTIVATIONS.filter((a) => a !== 'softmax');

/** The fields of `spec` (validated, defaults filled in) a sweep can vary, in the order the form lists them. */
export function sweepableFields(spec: RunSpec): SweepField[] {
  const t = spec.training;
  const lr = t.optimizer.learningRate;
  const out: SweepField[] = [
    // the whole optimiser object: each type has its own fields, so changing only `type` would leave
    // another type's settings (beta1, momentum) behind and fail validation. The current rate goes with it.
    { path: 'training.optimizer', label: 'optimizer', kind: 'choice', current: t.optimizer.type, options: OPTIMIZER_TYPES, toValue: (type) => ({ type, learningRate: lr }) },
    { path: 'training.optimizer.learningRate', label: 'learning rate', kind: 'real', current: lr, logScale: true },
    { path: 'training.batchSize', label: 'batch size', kind: 'int', current: t.batchSize },
    { path: 'training.epochs', label: 'epochs', kind: 'int', current: t.epochs },
  ];
  const layers = spec.model.layers;
  const last = lastWeighted(layers);
  layers.forEach((l, i) => {
    const at = `model.layers[${i}]`;
    const name = l.name ?? layerName(l, i);
    if (l.type === 'dense' || l.type === 'conv2d') {
      const output = i === last;
      if (l.type === 'dense' && !output) out.push({ path: `${at}.units`, label: `${name} units`, kind: 'int', current: l.units });
      if (l.type === 'conv2d') out.push({ path: `${at}.filters`, label: `${name} filters`, kind: 'int', current: l.filters });
      // the output layer's size and activation follow from the task: not something to sweep
      if (!output) out.push({ path: `${at}.activation`, label: `${name} activation`, kind: 'choice', current: l.activation, options: HIDDEN_ACTIVATIONS });
      const init = typeof l.kernelInitializer === 'string' ? l.kernelInitializer : l.kernelInitializer.type;
      out.push({ path: `${at}.kernelInitializer`, label: `${name} initializer`, kind: 'choice', current: init, options: INITIALIZERS });
      out.push({ path: `${at}.kernelRegularizer.l2`, label: `${name} L2`, kind: 'real', current: l.kernelRegularizer?.l2 ?? 0, logScale: true });
    } else if (l.type === 'dropout') {
      out.push({ path: `${at}.rate`, label: `${name} rate`, kind: 'real', current: l.rate, below1: true });
    } else if (l.type === 'activation') {
      out.push({ path: `${at}.activation`, label: `${name} activation`, kind: 'choice', current: l.activation, options: HIDDEN_ACTIVATIONS });
    }
  });
  return out;
}

function lastWeighted(layers: readonly LayerSpec[]): number {
  for (let i = layers.length - 1; i >= 0; i--) if (layers[i].type === 'dense' || layers[i].type === 'conv2d') return i;
  return -1;
}
