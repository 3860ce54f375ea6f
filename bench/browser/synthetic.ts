// Synthetic engine events shaped like a real run's, at the sizes the targets name.
import type { CollectionEvent, RunEvent, RunStartEvent } from '../../shared/events.ts';
import type { LayerInfo } from '../../shared/layers.ts';

export function startEvent(runId: string, layers: number, units: number, bins: number, totalSteps: number): RunStartEvent {
  const info: LayerInfo[] = Array.from({ length: layers }, (_, i) => ({
    name: `dense_${i + 1}`, className: 'Dense', outputShape: [null, units], params: units * units + units,
    activation: i % 2 ? 'relu' : 'tanh', unitKind: i % 2 ? 'relu' : 'tanh', kernelInitializer: 'glorot_uniform', units,
    unitIndex: Array.from({ length: units }, (_, u) => u), variables: [`dense_${i + 1}/kernel`, `dense_${i + 1}/bias`], trainable: true,
  }));
  return {
    v: 2, t: Date.now(), type: 'run-start', runId,
    spec: { name: runId, instruments: { histogramBins: bins }, training: { epochs: 1, batchSize: 64 } } as never,
    backend: { name: 'wasm', tfBackend: 'wasm', attempts: [] }, data: { train: 1, validation: 1, test: 1, inputShape: [units], classes: 10, classNames: null, source: 'synthetic', inputStats: { mean: 0, std: 1, min: -1, max: 1 }, classCounts: null },
    model: { layers: info, totalParams: 0, trainableParams: 0 }, stepsPerEpoch: totalSteps, totalSteps,
  };
}

export function collectionEvent(step: number, layers: number, units: number, bins: number): CollectionEvent {
  const hist = { lo: -1, hi: 1, counts: Array.from({ length: bins }, (_, b) => (b * 7 + step) % 13) };
  const s = (x: number) => ({ count: 100, mean: x, std: 0.5, min: -1, max: 1, zeroFrac: 0.1, nan: 0, inf: 0, hist });
  return {
    v: 2, t: Date.now(), type: 'collection', step, epoch: 0, costMs: 1,
    payloads: {
    activations: { v: 1, data: { layers: Array.from({ length: layers }, (_, i) => ({
      ...s(Math.sin(step / 50 + i)), layer: `dense_${i + 1}`, saturatedFrac: (Math.sin(step / 300 + i) + 1) / 2, deadFrac: ((i * 13 + step) % 100) / 100,
      unitSaturated: Array.from({ length: units }, (_, u) => ((u + step) % 10) / 10), unitDead: Array.from({ length: units }, (_, u) => ((u + i) % 7 === 0 ? 1 : 0)),
    })) } },
    gradients: { v: 1, data: { globalNorm: 1 + Math.sin(step), globalNormClipped: 1, variables: Array.from({ length: layers * 2 }, (_, v) => ({ ...s(0), variable: `dense_${(v >> 1) + 1}/${v % 2 ? 'bias' : 'kernel'}`, layer: `dense_${(v >> 1) + 1}`, norm: 10 ** -(v / layers), maxAbs: 1 })) } },
    weights: { v: 1, data: { variables: Array.from({ length: layers * 2 }, (_, v) => ({ ...s(0), variable: `dense_${(v >> 1) + 1}/${v % 2 ? 'bias' : 'kernel'}`, layer: `dense_${(v >> 1) + 1}`, norm: 3, updateRatio: 1e-3 })) } },
    },
  };
}

export function stepEvent(step: number): RunEvent {
  return { v: 2, t: Date.now(), type: 'step', step, epoch: 0, loss: 2 * Math.exp(-step / 500) + 0.05 * Math.sin(step), lr: 1e-3 };
}
