// A spec whose model is imported (`model.import`) becomes an ordinary spec before anything is
// built: the file's layers (or the spec's own `layers`, when it gives them), the head in place of
// the file's output layer, the frozen layers marked untrainable. Everything downstream (the
// instruments, the diagnosis and its remedies, sweeps, the run library) then sees plain layers;
// only the weights travel beside the spec, loaded by layer name once the model is built.
import { isAbsolute, resolve } from 'node:path';
import type { LayerSpec, RunSpec } from '../../../shared/spec.ts';
import { layerName } from '../../../shared/layers.ts';
import { InputError } from '../errors.ts';
import { readModel } from './read-model.ts';
import type { ModelWeights } from './types.ts';

export interface ResolvedImport {
  /** the spec with `layers` filled in, the import's path absolute and `head` applied (so a variant of it resolves the same) */
  spec: RunSpec;
  /** the weights to load by layer name; null with `weights: "initial"` or a file without weights */
  weights: ModelWeights | null;
  /** what the run should tell its user about the import (shown as warnings) */
  notes: string[];
  /** layers that must get the file's weights (the file's own, unedited): one that does not is an error, not a note */
  required: string[];
}

const hasWeights = (l: LayerSpec) => l.type === 'dense' || l.type === 'conv2d';

const equal = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
/**
 * Whether the file's model takes the data as it comes: the same shape, or shapes that differ by
 * trailing 1s when the model flattens its input first ([28, 28] and [28, 28, 1] flatten alike).
 * A Dense layer on [28, 28] would act on the rows where [28, 28, 1] gives it the channel.
 */
const takes = (model: number[], data: number[], first: LayerSpec | undefined) => {
  const trim = (s: number[]) => { const t = [...s]; while (t.length > 1 && t[t.length - 1] === 1) t.pop(); return t; };
  return equal(model, data) || (first?.type === 'flatten' && equal(trim(model), trim(data)));
};
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Resolves `model.import`; a spec without one is returned as it is. `inputShape`: what the data gives, without the batch axis. */
export async function resolveImport(spec: RunSpec, baseDir: string, inputShape: number[]): Promise<ResolvedImport> {
  const m = spec.model;
  if (!m.import) return { spec, weights: null, notes: [], required: [] };
  const file = isAbsolute(m.import) ? m.import : resolve(baseDir, m.import);
  const imported = await readModel(file);
  const notes: string[] = [];
  let layers: LayerSpec[];
  let weights = m.weights === 'initial' ? null : imported.weights;
  if (m.layers.length) {
    layers = m.layers; // the user's (or a remedy's) edit of the architecture: weights go where names and shapes still match
  } else {
    layers = imported.layers.map((l) => ({ ...l }));
    if (m.head) {
      const last = layers.map(hasWeights).lastIndexOf(true);
      if (last < 0) throw new InputError('model.head', `${file} has no dense or conv layer to replace`);
      const kept = layers.slice(0, last);
      const dropped = layers.slice(last).map((l, i) => layerName(l, last + i));
      // The head's layers get names of their own (head_1...), never a replaced layer's: its
      // weights must not load into the new head because a default name and a shape happen to match.
      const taken = new Set([...kept.map((l, i) => layerName(l, i)), ...dropped]);
      const head = m.head.map((l, k) => {
        if (l.name && taken.has(l.name)) throw new InputError(`model.head[${k}].name`, `"${l.name}" is a layer of the imported model: give the head's layer a name of its own`);
        let name = l.name ?? `head_${k + 1}`;
        for (let n = 2; !l.name && taken.has(name); n++) name = `head_${k + 1}_${n}`;
        taken.add(name);
        return { ...l, name } as LayerSpec;
      });
      layers = [...kept, ...head];
      if (weights) weights = Object.fromEntries(Object.entries(weights).filter(([name]) => !dropped.includes(name)));
      notes.push(`the head (${head.map((l) => l.name).join(', ')}) replaces ${dropped.join(', ')} of the imported model`);
    }
  }
  // The data's shape against the file's: a flat-input model takes images through a flatten in
  // front (its spec, written by `trainscope import`, lists the file's layers as they are). Layers
  // the user wrote are theirs to fit: the model build names the one that does not.
  if (!takes(imported.inputShape, inputShape, layers[0])) {
    const flatInput = imported.inputShape.length === 1 && layers[0]?.type !== 'flatten';
    if (flatInput && size(imported.inputShape) === size(inputShape)) {
      layers = [{ type: 'flatten', name: 'flatten_input' }, ...layers];
      notes.push(`the imported model takes flat inputs of ${imported.inputShape[0]}: a flatten layer (flatten_input) turns the data's [${inputShape.join(', ')}] into that`);
    } else if (!m.layers.length) {
      throw new InputError('model.import', `${file} expects inputs of shape [${imported.inputShape.join(', ')}], but the data gives [${inputShape.join(', ')}]`);
    }
  }
  const names = new Set(layers.map((l, i) => layerName(l, i)));
  (m.freeze ?? []).forEach((name, k) => {
    if (!names.has(name)) throw new InputError(`model.freeze[${k}]`, `no layer named "${name}" (the layers are ${[...names].join(', ')})`);
  });
  const frozen = new Set(m.freeze ?? []);
  layers = layers.map((l, i) => {
    if (!frozen.has(layerName(l, i))) return l;
    if (l.type === 'dense' || l.type === 'conv2d') return { ...l, trainable: false };
    // (tfjs' batch norm would go on normalising by each batch and updating its moving statistics: not frozen as Keras freezes it)
    throw new InputError('model.freeze', l.type === 'batchnorm'
      ? `layer "${layerName(l, i)}" is a batch norm, which cannot be frozen here (only dense and conv2d layers)`
      : `layer "${layerName(l, i)}" (${l.type}) has no weights to freeze (only dense and conv2d layers)`);
  });
  if (m.weights !== 'initial' && !imported.weights) notes.push(`${file} holds an architecture without weights: the layers start from their initialisers`);
  const { head: _head, ...model } = m;
  const required = m.layers.length || !weights ? [] : layers.map((l, i) => layerName(l, i)).filter((name) => weights![name]);
  return { spec: { ...spec, model: { ...model, import: file, layers } }, weights, notes, required };
}
