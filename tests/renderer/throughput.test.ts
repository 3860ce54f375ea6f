// samples/s in the run header: from the recent steps while a run trains (an epoch can take
// minutes), from the epoch events once it has ended.
import { describe, expect, it } from 'vitest';
import { recentRate, samplesInStep, samplesPerSecond, type StepTime } from '../../renderer/src/lib/throughput.ts';
import { RunData } from '../../renderer/src/lib/run-data.ts';
import type { RunEvent } from '../../shared/events.ts';

const shape = { batchSize: 64, trainSamples: 1000, stepsPerEpoch: 16 };
const steps = (from: number, n: number, epoch: number, t0: number, dt: number): StepTime[] =>
  Array.from({ length: n }, (_, k) => ({ step: from + k, epoch, t: t0 + k * dt }));

describe('throughput', () => {
  it('a step has a batch of samples, the last of an epoch what is left', () => {
    expect(samplesInStep(0, shape)).toBe(64);
    expect(samplesInStep(15, shape)).toBe(1000 - 15 * 64);
    expect(samplesInStep(16, shape)).toBe(64);
  });
  it('the recent rate: samples after the window\'s first step over the time since it', () => {
    expect(recentRate(steps(0, 11, 0, 0, 100), shape)).toBeCloseTo(640, 6); // 64 samples per 100 ms
    expect(recentRate(steps(0, 1, 0, 0, 100), shape)).toBe(0);
  });
  it('never spans two epochs (validation runs between them)', () => {
    const recent = [...steps(10, 6, 0, 0, 100), ...steps(16, 3, 1, 5000, 50)];
    expect(recentRate(recent, shape)).toBeCloseTo(1280, 6);
  });
  it('live: the recent rate; ended: the latest epoch\'s; neither: the average over every step', () => {
    const base = { recent: steps(0, 11, 0, 0, 100), shape, epochRate: 500, steps: 11, firstStepAt: 0, lastStepAt: 1000 };
    expect(samplesPerSecond({ ...base, ended: false })).toBeCloseTo(640, 6);
    expect(samplesPerSecond({ ...base, ended: true })).toBe(500);
    expect(samplesPerSecond({ ...base, ended: true, epochRate: undefined })).toBeCloseTo(640, 6);
    expect(samplesPerSecond({ ...base, ended: false, shape: null })).toBe(500);
  });
  it('a live run shows a rate from its steps before its first epoch has ended', () => {
    const run = new RunData('r');
    const start = {
      v: 2, t: 0, type: 'run-start', runId: 'r', spec: { training: { batchSize: 64 }, instruments: { histogramBins: 30 } }, backend: { name: 'cpu', tfBackend: 'cpu', attempts: [] },
      data: { train: 54000 }, model: { layers: [], totalParams: 0, trainableParams: 0 }, stepsPerEpoch: 844, totalSteps: 4220,
    } as unknown as RunEvent;
    run.ingest([start, ...Array.from({ length: 20 }, (_, k) => ({ v: 2, t: 1000 + k * 50, type: 'step', step: k, epoch: 0, loss: 2, lr: 0.001 }) as RunEvent)]);
    expect(run.epochs).toEqual([]);
    expect(run.samplesPerSec).toBeCloseTo(1280, 6);
  });
});
