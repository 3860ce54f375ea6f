// The spec equivalent to a model file (`trainscope import`, New run's "Import model"): the file's
// layers written out, so they can be edited in the form and the JSON editor, and `model.import`
// naming the file, so the weights load by layer name when it runs. Data and training come from a
// spec the user already has (the draft in New run, --base); without one, a model for 28x28 inputs
// gets the bundled MNIST digits and anything else a CSV placeholder to fill in.
import type { LayerSpec, RunSpecInput } from '../../../shared/spec.ts';
import type { ImportedModel } from './types.ts';

export interface ImportedSpec {
  spec: RunSpecInput;
  /** what the user should check before running it */
  notes: string[];
}

const isDigitsShape = (s: number[]) => [[784], [28, 28], [28, 28, 1]].some((d) => d.length === s.length && d.every((v, i) => v === s[i]));

/** The loss the output layer implies: softmax -> cross-entropy, one sigmoid unit -> binary, anything else regression. */
function lossFor(layers: LayerSpec[]): NonNullable<NonNullable<RunSpecInput['training']>['loss']> {
  const weighted = layers.filter((l) => l.type === 'dense' || l.type === 'conv2d');
  const last = weighted[weighted.length - 1];
  const tail = layers.slice(layers.lastIndexOf(last!) + 1).find((l) => l.type === 'activation');
  const act = tail?.type === 'activation' ? tail.activation : last && 'activation' in last ? last.activation : 'linear';
  if (act === 'softmax') return 'categorical_crossentropy';
  if (act === 'sigmoid' && last?.type === 'dense' && last.units === 1) return 'binary_crossentropy';
  return 'mse';
}

/**
 * `path`: how the spec names the file (absolute, or relative to where the spec will be saved).
 * `base`: a spec whose data and training to keep (its model is replaced).
 */
export function importedSpec(m: ImportedModel, path: string, base?: RunSpecInput): ImportedSpec {
  const notes: string[] = [];
  const stem = path.replace(/^.*[\\/]/, '').replace(/\.(keras|h5|hdf5|json)$/i, '').replace(/[^\w.-]+/g, '-').slice(0, 80) || 'imported';
  let data = base?.data;
  if (!data) {
    if (isDigitsShape(m.inputShape)) {
      data = { train: { type: 'mnist-digits' }, validation: 0.1, test: 0.1 };
      notes.push('data: the bundled MNIST digits (28x28), for a model of that input; replace data.train with your own');
    } else {
      data = { train: { type: 'csv', path: 'data.csv', label: 'label' } };
      notes.push(`data: data.csv is a placeholder; the model takes inputs of shape [${m.inputShape.join(', ')}]`);
    }
  }
  // A classifier that outputs logits (Keras' from_logits=True): the spec's cross-entropy takes
  // probabilities, so a softmax goes after it, named, and the user is told.
  let layers = m.layers;
  const last = layers.at(-1);
  if (last?.type === 'dense' && last.activation === 'linear' && last.units > 1 && !base?.training) {
    layers = [...layers, { type: 'activation', activation: 'softmax', alpha: 0.3, name: 'softmax_output' }];
    notes.push(`model: the file's last layer (${last.name}) outputs ${last.units} unnormalised scores (logits): a softmax (softmax_output) turns them into the probabilities categorical_crossentropy takes`);
  }
  const loss = lossFor(layers);
  const training = base?.training ?? { epochs: 5, loss };
  if (!base?.training) notes.push(`training: 5 epochs of Adam with ${loss} (the file's own optimiser is not read)`);
  if (!m.weights) notes.push('the file holds no weights: the layers start from their initialisers');
  const spec: RunSpecInput = {
    ...(base ?? {}),
    name: base?.name ?? stem,
    description: `Imported from ${path.replace(/^.*[\\/]/, '')}${m.producer ? ` (${m.producer})` : ''}`,
    data,
    model: { import: path, ...(m.weights ? { weights: 'pretrained' as const } : {}), layers },
    training,
  };
  return { spec, notes };
}
