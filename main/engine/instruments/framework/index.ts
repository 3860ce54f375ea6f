// The engine's instrument SDK: everything an instrument slice (main/engine/instruments/<id>/)
// may use besides its own folder and TensorFlow.js. Slices import this file only, so the
// engine's internals can move without touching them.
export { defineEngineInstrument } from './instrument.ts';
export type { EngineInstrument, ProbeOutputs, Reads, ReduceContext, ReduceInput, VariableRef, WeightRef } from './instrument.ts';
export type { BatchInfo, EpochLogs, GradientsInfo, HookContext, TrainEnd, TrainingHook } from '../../train/hooks.ts';
export { moments, summarize, summarizeWithNorm, relativeChange } from '../../stats/summarize.ts';
export { layerActivationStats } from '../../stats/unit-stats.ts';
export { readFlat, readScalars } from '../../train/readback.ts';
export { perSampleLoss } from '../../train/loss.ts';
export { isImageShape, sampleSize, samplesPayload, type Dataset } from '../../data/dataset.ts';
