// Engine benchmarks: the instrumented custom loop against model.fit, the composed wasm conv
// gradients against the cpu backend, and MLP throughput per backend.
import * as tf from '@tensorflow/tfjs';
import { validateSpec, type RunSpec, type RunSpecInput } from '../shared/spec.ts';
import { selectBackend, probeNative } from '../main/engine/backends/select.ts';
import { installedFastPaths } from '../main/engine/backends/wasm-fast-paths.ts';
import { Trainer } from '../main/engine/train/trainer.ts';
import { prepareData } from '../main/engine/data/load.ts';
import { buildModel } from '../main/engine/model/build.ts';

const log = (s: string) => process.stderr.write(`${s}\n`);

function spec(input: RunSpecInput): RunSpec {
  const r = validateSpec(input);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

/** The MLP of the acceptance spec (784-256-128-10, Adam, batch 64) on the bundled MNIST digits. */
export function mlpSpec(every: number, epochs = 3): RunSpec {
  return spec({
    name: 'bench-mlp', seed: 1,
    data: { train: { type: 'mnist-digits' }, validation: 0, test: 0, limit: 6400 },
    model: { layers: [
      { type: 'flatten' },
      { type: 'dense', units: 256, activation: 'relu', kernelInitializer: 'he_normal' },
      { type: 'dense', units: 128, activation: 'relu', kernelInitializer: 'he_normal' },
      { type: 'dense', units: 10, activation: 'softmax' },
    ] },
    training: { epochs, batchSize: 64, optimizer: { type: 'adam', learningRate: 0.001 } },
    instruments: { every },
  });
}

/** The CNN of issue 12's comparison with PyTorch: conv16-pool-conv32-pool-dense64, Adam, batch 64, default instruments; measured in its second epoch, once the JIT has compiled the JavaScript kernels. */
export function cnnSpec(): RunSpec {
  return spec({
    name: 'bench-cnn', seed: 1,
    data: { train: { type: 'mnist-digits' }, validation: 0, test: 0, limit: 64 * 20 },
    model: { layers: [
      { type: 'conv2d', filters: 16, kernelSize: 3, activation: 'relu' },
      { type: 'maxpool2d', poolSize: 2 },
      { type: 'conv2d', filters: 32, kernelSize: 3, activation: 'relu' },
      { type: 'maxpool2d', poolSize: 2 },
      { type: 'flatten' },
      { type: 'dense', units: 64, activation: 'relu' },
      { type: 'dense', units: 10, activation: 'softmax' },
    ] },
    training: { epochs: 2, batchSize: 64, optimizer: { type: 'adam', learningRate: 0.001 } },
  });
}

/** A smaller CNN for the wasm-against-cpu ratio (the cpu backend takes seconds a step on the larger one). */
function smallCnnSpec(): RunSpec {
  return spec({
    name: 'bench-small-cnn', seed: 1,
    data: { train: { type: 'mnist-digits' }, validation: 0, test: 0, limit: 32 * 10 },
    model: { layers: [
      { type: 'conv2d', filters: 8, kernelSize: 3, activation: 'relu' },
      { type: 'maxpool2d', poolSize: 2 },
      { type: 'conv2d', filters: 16, kernelSize: 3, activation: 'relu' },
      { type: 'maxpool2d', poolSize: 2 },
      { type: 'flatten' },
      { type: 'dense', units: 10, activation: 'softmax' },
    ] },
    training: { epochs: 1, batchSize: 32 },
    instruments: { every: 1000 },
  });
}

/** The instruments' default collection interval, as a spec gets it. */
export function defaultEvery(): number {
  return spec({ data: { train: { type: 'mnist-digits' } }, model: { layers: [{ type: 'dense', units: 1 }] } }).instruments.every;
}

/** ms per step of the custom loop, after a warm-up (the first epoch, or the first steps of a one-epoch run). */
export async function customLoopMsPerStep(s: RunSpec, backend: 'wasm' | 'cpu', skipEpochs = 1, skipSteps = 0): Promise<number> {
  const trainer = new Trainer({ spec: s, baseDir: '.', backend });
  await trainer.prepare();
  const times: number[] = [];
  trainer.on((e) => { if (e.type === 'step' && e.epoch >= skipEpochs && e.step >= skipSteps) times.push(performance.now()); });
  await trainer.run();
  trainer.built.model.dispose();
  return (times[times.length - 1] - times[0]) / (times.length - 1);
}

/** ms per step of model.fit on the same model, data and optimiser. */
async function fitMsPerStep(s: RunSpec): Promise<number> {
  const data = prepareData(s, '.');
  const { model } = buildModel(s, data.info);
  model.compile({ optimizer: tf.train.adam(s.training.optimizer.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const x = tf.tensor(data.train.x, [data.train.n, ...data.train.shape]);
  const y = tf.oneHot(tf.tensor1d(data.train.y, 'int32'), data.info.classes!);
  const times: number[] = [];
  let epoch = 0;
  await model.fit(x, y, {
    epochs: s.training.epochs, batchSize: s.training.batchSize, shuffle: true, verbose: 0,
    callbacks: { onEpochBegin: async (e) => { epoch = e; }, onBatchEnd: async () => { if (epoch >= 1) times.push(performance.now()); } },
  });
  tf.dispose([x, y]);
  model.dispose();
  return (times[times.length - 1] - times[0]) / (times.length - 1);
}

/** Seconds per epoch, boundary to boundary (training plus whatever runs at the epoch's end), after the first. */
async function epochSeconds(s: RunSpec): Promise<number> {
  const trainer = new Trainer({ spec: s, baseDir: '.', backend: 'wasm' });
  await trainer.prepare();
  const ends: number[] = [];
  trainer.on((e) => { if (e.type === 'epoch') ends.push(performance.now()); });
  await trainer.run();
  trainer.built.model.dispose();
  return (ends[ends.length - 1] - ends[0]) / (ends.length - 1) / 1000;
}

/** Per-epoch evaluation of a 10,000-sample split (predictions, confusion, per-class metrics) against none. */
export async function benchEvalOverhead() {
  const base = (predictions: boolean) => spec({
    name: 'bench-eval', seed: 1,
    data: { train: { type: 'mnist-digits' }, validation: 0, test: { type: 'mnist-digits' } },
    model: mlpSpec(20).model,
    training: { epochs: 3, batchSize: 64 },
    instruments: { every: 20, predictions: predictions ? { every: 1, splits: ['test'] } : { every: 0, splits: [] } },
  });
  const withEval: number[] = [], without: number[] = [];
  for (let r = 0; r < 2; r++) {
    without.push(await epochSeconds(base(false)));
    withEval.push(await epochSeconds(base(true)));
    log(`round ${r + 1}/2: epoch ${without[r].toFixed(2)} s without, ${withEval[r].toFixed(2)} s with per-epoch predictions on 10,000 samples`);
  }
  return { eval_overhead: median(withEval) / median(without) };
}

const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];

export async function benchEngine(rounds = 3) {
  await selectBackend('wasm');
  const fit: number[] = [], def: number[] = [], every: number[] = [];
  const defaultEvery = spec({ data: { train: { type: 'mnist-digits' } }, model: { layers: [{ type: 'dense', units: 1 }] } }).instruments.every;
  // Interleaved rounds, medians: the machines are shared and noisy.
  for (let r = 0; r < rounds; r++) {
    fit.push(await fitMsPerStep(mlpSpec(defaultEvery)));
    def.push(await customLoopMsPerStep(mlpSpec(defaultEvery), 'wasm'));
    every.push(await customLoopMsPerStep(mlpSpec(1), 'wasm'));
    log(`round ${r + 1}/${rounds}: model.fit ${fit[r].toFixed(1)} ms/step, instrumented every ${defaultEvery} steps ${def[r].toFixed(1)}, every step ${every[r].toFixed(1)}`);
  }
  const mlpWasm = (64 / median(def)) * 1000;
  const cpuMs = await customLoopMsPerStep(mlpSpec(defaultEvery, 2), 'cpu');
  const mlpCpu = (64 / cpuMs) * 1000;
  log(`MLP samples/s: wasm ${mlpWasm.toFixed(0)}, cpu ${mlpCpu.toFixed(0)}`);

  const cnnWasm = await customLoopMsPerStep(smallCnnSpec(), 'wasm', 0, 2);
  const cnnCpu = await customLoopMsPerStep(smallCnnSpec(), 'cpu', 0, 2);
  log(`small CNN: wasm ${cnnWasm.toFixed(0)} ms/step, cpu ${cnnCpu.toFixed(0)}`);

  const native: Record<string, number | string> = {};
  for (const n of ['node-gpu', 'node'] as const) {
    const why = probeNative(n);
    native[n] = why ? `unavailable: ${why}` : 'available (not benchmarked in this process: it would replace the wasm engine)';
  }
  return {
    overhead_default: median(def) / median(fit),
    overhead_every_step: median(every) / median(fit),
    cnn_wasm_vs_cpu: cnnCpu / cnnWasm,
    wasm_fast_paths: installedFastPaths.slice(),
    mlp_samples_per_s: { wasm: Math.round(mlpWasm), cpu: Math.round(mlpCpu), ...native },
    ms_per_step: { model_fit: median(fit), instrumented_default: median(def), instrumented_every_step: median(every), cnn_wasm: cnnWasm, cnn_cpu: cnnCpu },
    default_collection_interval: defaultEvery,
  };
}
