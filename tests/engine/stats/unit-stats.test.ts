// Per-layer and per-unit activation statistics (saturated, dead) against hand-worked cases.
import { describe, expect, it } from 'vitest';
import { layerActivationStats } from '../../../main/engine/stats/unit-stats.ts';
import type { LayerInfo } from '../../../shared/layers.ts';
import { spec } from '../../helpers.ts';

describe('per-unit activation statistics', () => {
  const options = spec({ data: { train: { type: 'synthetic', name: 'moons' } }, model: { layers: [{ type: 'dense', units: 2 }] }, instruments: { histogramBins: 10 } }).instruments.activations;
  const info = (kind: LayerInfo['unitKind'], units: number, unitIndex?: number[]): LayerInfo => ({
    name: 'l', className: 'Dense', outputShape: [null, units], params: 0, activation: kind, unitKind: kind,
    kernelInitializer: null, units, unitIndex: unitIndex ?? Array.from({ length: units }, (_, i) => i), variables: [], trainable: true,
  });

  it('sigmoid: saturated fraction per unit and overall', () => {
    // batch of 4, 3 units; unit 0 always saturated, unit 1 half the time, unit 2 never
    const v = [0.999, 0.001, 0.5, 0.0001, 0.5, 0.4, 0.995, 0.999, 0.6, 0.99999, 0.3, 0.7];
    const s = layerActivationStats(v, 0, v.length, info('sigmoid', 3), options, 10);
    expect(s.unitSaturated).toEqual([1, 0.5, 0]);
    expect(s.saturatedFrac).toBeCloseTo(6 / 12, 10);
    expect(s.deadFrac).toBe(0);
  });

  it('tanh saturates near +-1', () => {
    const v = [0.99, -0.999, 0.5, -0.2];
    const s = layerActivationStats(v, 0, 4, info('tanh', 2), options, 10);
    expect(s.unitSaturated).toEqual([0.5, 0.5]);
  });

  it('ReLU: a unit is dead when it is zero for the whole batch; only recorded units are reported', () => {
    // batch 3, 4 units: unit 1 and unit 3 are dead
    const v = [0, 0, 1, 0, 2, 0, 0, 0, 0, 0, 3, 0];
    const s = layerActivationStats(v, 0, v.length, info('relu', 4, [1, 2]), options, 10);
    expect(s.deadFrac).toBe(0.5);
    expect(s.unitDead).toEqual([1, 0]);
    expect(s.zeroFrac).toBeCloseTo(9 / 12, 10);
  });

  it('conv outputs: units are channels (the last axis)', () => {
    // [batch 2, 2 positions, 2 channels]; channel 1 never positive
    const v = [1, 0, 0, 0, 3, -0, 0, 0];
    const s = layerActivationStats(v, 0, v.length, info('relu', 2), options, 10);
    expect(s.unitDead).toEqual([0, 1]);
  });
});
