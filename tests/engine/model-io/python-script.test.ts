// The Keras script export, checked with Python's own parser: every script must parse (a spec name
// with quotes, newlines or Unicode line breaks included), and the calls that carry the spec's
// meaning are found by walking the AST (call names and their keyword arguments), not by a regex
// over the text. Without python3 the checks that need it are skipped, saying why.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { validateSpec, type RunSpec, type RunSpecInput } from '../../../shared/spec.ts';
import { kerasScript, kerasScriptWithNotes, py } from '../../../main/engine/model-io/python-script.ts';
import { buildModel } from '../../../main/engine/model/build.ts';
import type { DataInfo } from '../../../shared/events.ts';

const probe = spawnSync('python3', ['--version'], { encoding: 'utf8' });
const noPython = probe.status === 0 ? null : `python3 is not on the PATH (${probe.error?.message ?? probe.stderr})`;
if (noPython) console.log(`python-script.test: Python checks skipped: ${noPython}`);

// Parses stdin and prints every call (its function as written, its keyword arguments as source),
// the base classes, and the module's literal constants.
const WALK = `
import ast, json, sys
tree = ast.parse(sys.stdin.read())
def lit(node):
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None
calls = [{"name": ast.unparse(n.func), "kw": {k.arg: ast.unparse(k.value) for k in n.keywords if k.arg},
          "lit": {k.arg: lit(k.value) for k in n.keywords if k.arg}, "args": [ast.unparse(a) for a in n.args]}
         for n in ast.walk(tree) if isinstance(n, ast.Call)]
bases = [ast.unparse(b) for n in ast.walk(tree) if isinstance(n, ast.ClassDef) for b in n.bases]
consts = {}
for n in tree.body:
    if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name):
        value = lit(n.value)
        if value is not None:
            consts[n.targets[0].id] = value
print(json.dumps({"calls": calls, "bases": bases, "constants": consts}))
`;

/** kw: each keyword argument as source; lit: its value when it is a literal */
interface Call { name: string; kw: Record<string, string>; lit: Record<string, unknown>; args: string[] }
interface Walked { calls: Call[]; bases: string[]; constants: Record<string, unknown> }

function walk(script: string): Walked {
  const r = spawnSync('python3', ['-c', WALK], { input: script, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the script does not parse:\n${r.stderr}`);
  return JSON.parse(r.stdout) as Walked;
}
const named = (w: Walked, name: string) => w.calls.filter((c) => c.name === name);
const one = (w: Walked, name: string) => {
  const c = named(w, name);
  expect(c, name).toHaveLength(1);
  return c[0];
};

function parse(input: unknown): RunSpec {
  const r = validateSpec(input);
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  return r.spec;
}

const assets = join(__dirname, '../../../assets/specs');
const SHAPES: Record<string, { inputShape: number[]; classes: number }> = {
  'digits-mlp': { inputShape: [28, 28, 1], classes: 10 },
  'fashion-mnist-cnn': { inputShape: [28, 28, 1], classes: 10 },
  'fashion-mnist-mlp': { inputShape: [28, 28, 1], classes: 10 },
  'spirals-deep-tanh': { inputShape: [2], classes: 3 },
};

describe.skipIf(noPython !== null)('kerasScript on the bundled specs', () => {
  for (const file of readdirSync(assets).filter((f) => f.endsWith('.json'))) {
    it(file, () => {
      const spec = parse(JSON.parse(readFileSync(join(assets, file), 'utf8')));
      const w = walk(kerasScript(spec, SHAPES[spec.name]));
      // the spec's strings come back exactly
      expect(w.constants.RUN_NAME).toBe(spec.name);
      expect(w.constants.DESCRIPTION).toBe(spec.description);
      expect(w.constants.SEED).toBe(spec.seed);
      expect(w.constants.INPUT_SHAPE).toEqual(SHAPES[spec.name].inputShape);
      expect(one(w, 'keras.utils.set_random_seed').args).toEqual(['SEED']);
      expect(named(w, 'layers.Dense')).toHaveLength(spec.model.layers.filter((l) => l.type === 'dense').length);
      expect(named(w, 'layers.Conv2D')).toHaveLength(spec.model.layers.filter((l) => l.type === 'conv2d').length);
      expect(one(w, 'keras.optimizers.Adam').kw).toMatchObject({ learning_rate: 'learning_rate', beta_1: '0.9', beta_2: '0.999' });
      expect(one(w, 'model.compile').kw.loss).toBe("'sparse_categorical_crossentropy'");
      const es = one(w, 'keras.callbacks.EarlyStopping').kw;
      expect(es).toMatchObject({ monitor: "'val_loss'", restore_best_weights: 'True', patience: String(spec.training.earlyStopping!.patience) });
      if (spec.training.checkpoint) expect(one(w, 'keras.callbacks.ModelCheckpoint').kw).toMatchObject({ save_best_only: 'True', monitor: "'val_accuracy'" });
      expect(named(w, 'keras.callbacks.ReduceLROnPlateau')).toHaveLength(spec.training.schedule.type === 'reduce_on_plateau' ? 1 : 0);
      expect(one(w, 'model.fit').kw).toMatchObject({ batch_size: 'BATCH_SIZE', epochs: 'EPOCHS', callbacks: 'callbacks' });
      expect(w.constants.BATCH_SIZE).toBe(spec.training.batchSize);
      expect(w.constants.EPOCHS).toBe(spec.training.epochs);
    });
  }

  it('loads fashion-mnist from keras.datasets and scales images by 255', () => {
    const spec = parse(JSON.parse(readFileSync(join(assets, 'fashion-mnist-cnn.json'), 'utf8')));
    const w = walk(kerasScript(spec, SHAPES[spec.name]));
    expect(w.constants.TRAIN_SOURCE).toEqual({ type: 'dataset', name: 'fashion-mnist', split: 'train' });
    expect(w.constants.TEST).toEqual({ type: 'dataset', name: 'fashion-mnist', split: 'test' });
    expect(w.constants.NORMALIZE).toBe('scale');
    expect(named(w, 'module.load_data')).toHaveLength(1);
    expect(kerasScript(spec, SHAPES[spec.name])).toContain('keras.datasets.fashion_mnist');
  });
});

// Every optimiser, each with another schedule: the calls and hyperparameters Keras gets.
const SCHEDULES: NonNullable<NonNullable<RunSpecInput['training']>['schedule']>[] = [
  { type: 'constant' },
  { type: 'exponential', decaySteps: 100, decayRate: 0.5 },
  { type: 'power', decaySteps: 50 },
  { type: 'power', decaySteps: 50, power: 2 },
  { type: 'piecewise', unit: 'step', boundaries: [100, 300], values: [0.1, 0.01, 0.001] },
  { type: 'piecewise', unit: 'epoch', boundaries: [2, 5], values: [0.1, 0.01, 0.001] },
  { type: 'reduce_on_plateau', monitor: 'val_accuracy', factor: 0.2, patience: 3, minDelta: 0.01, cooldown: 1, minLearningRate: 1e-6 },
  { type: 'exponential', decaySteps: 10, decayRate: 0.9, staircase: true },
];
const OPTIMIZERS = [
  { type: 'sgd', learningRate: 0.1 },
  { type: 'momentum', momentum: 0.8 },
  { type: 'nesterov', momentum: 0.95 },
  { type: 'adagrad', initialAccumulator: 0.2 },
  { type: 'rmsprop', rho: 0.8, momentum: 0.5, epsilon: 1e-6 },
  { type: 'adam', beta1: 0.85 },
  { type: 'nadam', beta2: 0.99 },
  { type: 'adamax', epsilon: 1e-5 },
] as const;
const KERAS_CLASS = { sgd: 'SGD', momentum: 'SGD', nesterov: 'SGD', adagrad: 'Adagrad', rmsprop: 'RMSprop', adam: 'Adam', nadam: 'Nadam', adamax: 'Adamax' };

function blobs(training: RunSpecInput['training']): RunSpec {
  return parse({
    name: 'opt', data: { train: { type: 'synthetic', name: 'blobs', samples: 200, classes: 3, features: 4 }, validation: 0.2 },
    model: { layers: [{ type: 'dense', units: 8, activation: 'relu' }, { type: 'dense', units: 3, activation: 'softmax' }] },
    training: { metrics: ['accuracy'], ...training },
  });
}

describe.skipIf(noPython !== null)('kerasScript: optimisers and schedules', () => {
  OPTIMIZERS.forEach((o, i) => {
    const s = SCHEDULES[i];
    it(`${o.type} with a ${s.type} schedule`, () => {
      const spec = blobs({ optimizer: o, schedule: s });
      const w = walk(kerasScript(spec, { inputShape: [4], classes: 3 }));
      const kw = one(w, `keras.optimizers.${KERAS_CLASS[o.type]}`).kw;
      const opt = spec.training.optimizer;
      if (opt.type === 'momentum' || opt.type === 'nesterov') expect(kw.momentum).toBe(py(opt.momentum));
      expect(kw.nesterov).toBe(opt.type === 'nesterov' ? 'True' : undefined);
      if (opt.type === 'adagrad') expect(kw.initial_accumulator_value).toBe('0.2');
      if (opt.type === 'rmsprop') expect(kw).toMatchObject({ rho: '0.8', momentum: '0.5', epsilon: '1e-06' });
      if (opt.type === 'adam' || opt.type === 'nadam' || opt.type === 'adamax') expect([kw.beta_1, kw.beta_2, kw.epsilon].map(Number)).toEqual([opt.beta1, opt.beta2, opt.epsilon]);
      const lr = one(w, 'make_optimizer').args; // called with steps_per_epoch
      expect(lr).toEqual(['steps_per_epoch']);
      const sc = spec.training.schedule;
      switch (sc.type) {
        case 'constant': expect(w.calls.some((c) => c.name.startsWith('keras.optimizers.schedules.'))).toBe(false); break;
        case 'exponential': expect(one(w, 'keras.optimizers.schedules.ExponentialDecay').kw).toMatchObject({ decay_steps: String(sc.decaySteps), decay_rate: String(sc.decayRate), staircase: sc.staircase ? 'True' : 'False' }); break;
        case 'power':
          if (sc.power === 1) expect(one(w, 'keras.optimizers.schedules.InverseTimeDecay').kw).toMatchObject({ decay_steps: '50', decay_rate: '1.0' });
          else { expect(w.bases).toContain('keras.optimizers.schedules.LearningRateSchedule'); expect(one(w, 'PowerDecay').args).toEqual([py(spec.training.optimizer.learningRate), '50', '2']); }
          break;
        case 'piecewise': {
          const kws = one(w, 'keras.optimizers.schedules.PiecewiseConstantDecay').kw;
          expect(kws.values).toBe('[0.1, 0.01, 0.001]');
          // Keras moves on after a boundary, Trainscope at it: one step earlier; epochs counted in steps
          expect(kws.boundaries).toBe(sc.unit === 'step' ? '[99, 299]' : '[b * steps_per_epoch - 1 for b in [2, 5]]');
          break;
        }
        case 'reduce_on_plateau':
          expect(one(w, 'keras.callbacks.ReduceLROnPlateau').kw).toMatchObject({ monitor: "'val_accuracy'", factor: '0.2', patience: '3', min_delta: '0.01', cooldown: '1', min_lr: '1e-06' });
          break;
      }
    });
  });

  it('each loss and metric: Keras names whose log keys the monitors use', () => {
    const reg = parse({
      name: 'reg', data: { train: { type: 'csv', path: 'data/"odd".csv', label: 'y', task: 'regression' }, normalize: 'standardize' },
      model: { layers: [{ type: 'dense', units: 1 }] },
      training: { loss: 'mae', metrics: ['mse', 'mae'], earlyStopping: { monitor: 'val_mse' } },
    });
    const w = walk(kerasScript(reg, { inputShape: [3], classes: null }));
    const c = one(w, 'model.compile').kw;
    expect(c.loss).toBe("'mean_absolute_error'");
    expect(c.metrics).toBe("[keras.metrics.MeanSquaredError(name='mse'), keras.metrics.MeanAbsoluteError(name='mae')]");
    expect(w.constants.TRAIN_SOURCE).toEqual({ type: 'csv', path: 'data/"odd".csv', label: 'y', task: 'regression' });
    const bin = blobs({ loss: 'binary_crossentropy' });
    expect(one(walk(kerasScript(bin, { inputShape: [4], classes: 2 })), 'model.compile').kw.loss).toBe("'binary_crossentropy'");
  });
});

// Every layer feature, clipping both ways, augmentation, and strings that try to break out.
const NASTY_NAME = 'it\'s "quoted"\nnew line \\ back\u2028sep \u00fc\u2603 \ud83d\ude00 \'\'\'';
const kitchen: RunSpecInput = {
  name: NASTY_NAME,
  description: '"""triple""" \r\n and a tab\t and a NUL-free \u0001 control',
  seed: 11,
  data: {
    train: { type: 'idx', images: 'imgs/"a\'.idx3-ubyte', labels: 'labels\n.idx1-ubyte' },
    validation: 0.1, test: 0.1, limit: 500,
    augment: { flipHorizontal: true, flipVertical: true, shift: 2, gaussianNoise: 0.05 },
  },
  model: {
    layers: [
      {
        type: 'conv2d', filters: 4, kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'leaky_relu', alpha: 0.1, maxNorm: 2,
        kernelRegularizer: { l1: 1e-5, l2: 1e-4 }, biasRegularizer: { l2: 0.01 },
        kernelInitializer: { type: 'random_normal', stddev: 0.02 }, biasInitializer: { type: 'constant', value: 0.1 }, name: 'conv_a',
      },
      { type: 'batchnorm', momentum: 0.9, epsilon: 1e-5 },
      { type: 'activation', activation: 'relu' },
      { type: 'maxpool2d', poolSize: 2 },
      { type: 'avgpool2d', poolSize: [2, 2], strides: 1, padding: 'same' },
      { type: 'gaussian_noise', stddev: 0.1 },
      { type: 'flatten', name: 'flat"it\'' },
      { type: 'dense', units: 32, useBias: false, maxNorm: 3, trainable: false, kernelInitializer: 'lecun_uniform' },
      { type: 'batchnorm' },
      { type: 'activation', activation: 'leaky_relu', alpha: 0.2 },
      { type: 'dropout', rate: 0.25 },
      { type: 'dense', units: 10, activation: 'softmax' },
    ],
  },
  training: {
    optimizer: { type: 'nadam', learningRate: 0.002 },
    schedule: { type: 'piecewise', unit: 'epoch', boundaries: [3], values: [0.002, 0.0005] },
    clip: { value: 0.5, globalNorm: 5 },
    earlyStopping: { monitor: 'val_accuracy', mode: 'max', baseline: 0.5, restoreBestWeights: true },
    checkpoint: { monitor: 'val_loss', saveBestOnly: false },
  },
};

describe.skipIf(noPython !== null)('kerasScript: every layer feature, clipping, augmentation, hostile strings', () => {
  const spec = parse(kitchen);
  const opts = { inputShape: [28, 28, 1], classes: 10, weightsFile: 'w "1"\n.weights.h5' };
  const { script, notes } = kerasScriptWithNotes(spec, opts);
  const w = walk(script);

  it('parses, and the strings come back exactly', () => {
    expect(w.constants.RUN_NAME).toBe(NASTY_NAME);
    expect(w.constants.DESCRIPTION).toBe(spec.description);
    expect(w.constants.TRAIN_SOURCE).toEqual(spec.data.train);
    // the weights file only in a comment: no call to load_weights, and no raw line break from its name
    expect(named(w, 'model.load_weights')).toHaveLength(0);
    expect(script).toContain('# model.load_weights("w \\"1\\"\\n.weights.h5")');
    expect(script).not.toMatch(/[\u2028\u2029]/);
  });

  it('the layers: initialisers, regularisers, max-norm, BN, leaky ReLU, noise, dropout', () => {
    const conv = one(w, 'layers.Conv2D').kw;
    expect(conv).toMatchObject({
      filters: '4', kernel_size: '(3, 2)', strides: '(2, 2)', padding: "'same'", activation: "'linear'",
      kernel_initializer: 'keras.initializers.RandomNormal(mean=0, stddev=0.02)', bias_initializer: 'keras.initializers.Constant(value=0.1)',
      kernel_regularizer: 'keras.regularizers.L1L2(l1=1e-05, l2=0.0001)', bias_regularizer: 'keras.regularizers.L1L2(l1=0, l2=0.01)',
      kernel_constraint: 'keras.constraints.MaxNorm(max_value=2, axis=[0, 1, 2])',
    });
    const dense = named(w, 'layers.Dense');
    expect(dense[0].kw).toMatchObject({ units: '32', use_bias: 'False', trainable: 'False', kernel_constraint: 'keras.constraints.MaxNorm(max_value=3, axis=0)', kernel_initializer: 'keras.initializers.LecunUniform()' });
    expect(named(w, 'keras.constraints.MaxNorm')).toHaveLength(2);
    expect(named(w, 'layers.BatchNormalization').map((c) => [c.kw.momentum, c.kw.epsilon])).toEqual([['0.9', '1e-05'], ['0.99', '0.001']]);
    expect(named(w, 'layers.LeakyReLU').map((c) => c.kw.negative_slope)).toEqual(['0.1', '0.2']);
    expect(named(w, 'layers.GaussianNoise').map((c) => c.kw.stddev)).toEqual(['0.05', '0.1']); // augmentation, then the layer
    expect(one(w, 'layers.Dropout').kw.rate).toBe('0.25');
    expect(one(w, 'layers.AveragePooling2D').kw).toMatchObject({ pool_size: '(2, 2)', strides: '(1, 1)', padding: "'same'" });
    expect(one(w, 'layers.MaxPooling2D').kw.strides).toBeUndefined();
  });

  it('layer names are the tfjs model\'s (so weights load by name), in order', () => {
    // Tamed for buildModel: tfjs refuses the quoted flatten name (which the spec schema lets
    // through), and build.ts fails on max-norm of a frozen layer (no trainable weight to constrain).
    const tame = parse({ ...kitchen, model: { layers: kitchen.model.layers!.map((l, i) => (i === 6 ? { type: 'flatten' as const, name: 'flat' } : i === 7 ? { ...l, trainable: true } : l)) } });
    const w = walk(kerasScript(tame, opts));
    const built = buildModel(tame, { inputShape: [28, 28, 1], classes: 10 } as DataInfo);
    const tfjsNames = built.model.layers.map((l) => l.name).filter((n) => n !== 'input');
    const kerasNames = w.calls.filter((c) => c.name.startsWith('layers.') && typeof c.lit.name === 'string' && !c.lit.name.startsWith('augment_')).map((c) => c.lit.name);
    expect(kerasNames).toEqual(tfjsNames);
    built.model.dispose();
  });

  it('clipping by global norm and value: a subclass of the optimiser, since Keras applies only one', () => {
    expect(w.bases).toContain('keras.optimizers.Nadam');
    expect(one(w, 'ClippedOptimizer').kw).toMatchObject({ global_clipnorm: '5', learning_rate: 'learning_rate' });
    expect(one(w, 'keras.ops.clip').args).toEqual(['g', '-0.5', '0.5']);
    expect(notes.some((n) => n.startsWith('clip:'))).toBe(true);
    const single = blobs({ clip: { value: 1 } });
    expect(one(walk(kerasScript(single, { inputShape: [4], classes: 3 })), 'keras.optimizers.Adam').kw.clipvalue).toBe('1');
  });

  it('callbacks: early stopping with a baseline, a checkpoint every epoch, TerminateOnNaN', () => {
    expect(one(w, 'keras.callbacks.EarlyStopping').kw).toMatchObject({ monitor: "'val_accuracy'", mode: "'max'", baseline: '0.5', restore_best_weights: 'True', min_delta: '0' });
    expect(one(w, 'keras.callbacks.ModelCheckpoint').kw).toMatchObject({ save_best_only: 'False', monitor: "'val_loss'", filepath: "'checkpoints/epoch_{epoch:03d}.keras'" });
    expect(named(w, 'keras.callbacks.TerminateOnNaN')).toHaveLength(1);
  });

  it('augmentation as preprocessing layers, and notes for what is approximate', () => {
    expect(one(w, 'layers.RandomFlip').args).toEqual(["'horizontal_and_vertical'"]);
    expect(one(w, 'layers.RandomTranslation').kw).toMatchObject({ height_factor: String(2 / 28), width_factor: String(2 / 28) });
    expect(notes.join('\n')).toMatch(/RandomTranslation/);
    expect(notes.join('\n')).toMatch(/stopOnDivergence/);
    expect(w.constants.LIMIT).toBe(500);
  });
});

describe.skipIf(noPython !== null)('py()', () => {
  it('any string round-trips through Python\'s literal_eval', () => {
    const strings = [NASTY_NAME, '', '\\', '"', '\'', '\u0000\u001f\u007f', '\ud800 lone', '\r\n\t\f\b\v', 'x'.repeat(300), '{}%s{0}'];
    const r = spawnSync('python3', ['-c', 'import ast,json,sys; print(json.dumps([ast.literal_eval(l) for l in sys.stdin.read().split("\\n")]))'], { input: strings.map(py).join('\n'), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(strings);
  });
});

// With Keras at hand (TRAINSCOPE_KERAS_PYTHON, or a python3 that imports keras), the script is run:
// its model, given the tfjs model's weights by layer name, must predict what tfjs predicts, and
// its main() must train on random data of the right shape (load_source replaced).
const kerasPython = (() => {
  const bin = process.env.TRAINSCOPE_KERAS_PYTHON ?? 'python3';
  const r = spawnSync(bin, ['-c', 'import keras'], { encoding: 'utf8' });
  return r.status === 0 ? bin : null;
})();
if (!kerasPython) console.log('python-script.test: the run under Keras skipped: no python3 with keras (set TRAINSCOPE_KERAS_PYTHON to one)');

const RUN = `
import importlib.util, json, os, sys
import numpy as np
spec = importlib.util.spec_from_file_location("generated", "script.py")
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
d = json.load(open("tfjs.json"))
model = m.build_model()
for name, ws in d["weights"].items():
    layer = model.get_layer(name)
    layer.set_weights([np.array(w, dtype="float32").reshape(v.shape) for w, v in zip(ws, layer.weights)])
x = np.array(d["x"], dtype="float32").reshape((-1, *m.INPUT_SHAPE))
diff = float(np.abs(model.predict(x, verbose=0).reshape(-1) - np.array(d["y"])).max())
rng = np.random.default_rng(0)
m.load_source = lambda source: (rng.integers(0, 256, size=(200, *m.INPUT_SHAPE)).astype("uint8"), rng.integers(0, m.CLASSES, size=200), True)
m.EPOCHS = 2
m.main()
print(json.dumps({"diff": diff}))
`;

describe.skipIf(kerasPython === null)('kerasScript under Keras', () => {
  it('the Keras model predicts what the tfjs model predicts with the same weights, and main() trains', () => {
    const tame = parse({ ...kitchen, model: { layers: kitchen.model.layers!.map((l, i) => (i === 6 ? { type: 'flatten' as const, name: 'flat' } : i === 7 ? { ...l, trainable: true } : l)) } });
    const { model } = buildModel(tame, { inputShape: [28, 28, 1], classes: 10 } as DataInfo);
    // BN statistics far from the identity, so a wrong epsilon or axis would show
    for (const l of model.layers) if (l.getClassName() === 'BatchNormalization') l.setWeights(l.weights.map((w) => tf.randomUniform(w.shape as number[], 0.3, 1.7, 'float32', 1)));
    const x = tf.randomNormal([8, 28, 28, 1], 0, 1, 'float32', 2);
    const y = model.predict(x) as tf.Tensor;
    const weights = Object.fromEntries(model.layers.filter((l) => l.weights.length).map((l) => [l.name, l.getWeights().map((t) => Array.from(t.dataSync()))]));
    const dir = mkdtempSync(join(tmpdir(), 'keras-script-'));
    writeFileSync(join(dir, 'tfjs.json'), JSON.stringify({ x: Array.from(x.dataSync()), y: Array.from(y.dataSync()), weights }));
    writeFileSync(join(dir, 'script.py'), kerasScript(tame, { inputShape: [28, 28, 1], classes: 10 }));
    model.dispose();
    tf.dispose([x, y]);
    const r = spawnSync(kerasPython!, ['-c', RUN], { cwd: dir, encoding: 'utf8', timeout: 240_000 });
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { diff: number };
    expect(out.diff).toBeLessThan(1e-5);
  }, 300_000);
});
