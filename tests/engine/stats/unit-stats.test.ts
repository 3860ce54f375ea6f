// Per-layer and per-unit activation statistics (saturated, dead) against hand-worked cases.
import { describe, expect, it } from 'vitest';
import { layerActivationStats } from '../../../main/engine/stats/unit-stats.ts';
import type { LayerInfo } from '../../../shared/layers.ts';
import { spec } from '../../helpers.ts';
import { normal, rng } from '../../../main/engine/seed.ts';

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

  it('a layer inside a larger array (from `start`) counts its own values only, as element-by-element counting does', () => {
    const g = normal(rng(2));
    for (const kind of ['sigmoid', 'tanh', 'relu'] as const) {
      const units = 7, rows = 50, start = 13;
      // (ReLU: units 2 and 5 never fire; the values around the layer would, and are saturated)
      const squash = (x: number, u: number) => (kind === 'sigmoid' ? 1 / (1 + Math.exp(-x)) : kind === 'tanh' ? Math.tanh(x) : u === 2 || u === 5 ? 0 : Math.max(0, x - 1.5));
      const all = Float32Array.from({ length: start + rows * units + 9 }, (_, i) => (i < start || i >= start + rows * units ? 0.999999 : squash(g() * 3, (i - start) % units)));
      const s = layerActivationStats(all, start, start + rows * units, info(kind, units), options, 10);
      // the element-by-element reference: element k belongs to unit k % units
      const lo = kind === 'sigmoid' ? options.saturation.sigmoid : -1 + options.saturation.tanh;
      const hi = 1 - (kind === 'sigmoid' ? options.saturation.sigmoid : options.saturation.tanh);
      const sat = new Array(units).fill(0), pos = new Array(units).fill(false);
      for (let k = 0; k < rows * units; k++) {
        const v = all[start + k];
        if (v < lo || v > hi) sat[k % units]++;
        if (v > 0) pos[k % units] = true;
      }
      if (kind === 'relu') {
        expect(s.unitDead, kind).toEqual(pos.map((p) => (p ? 0 : 1)));
        expect(s.unitDead.some((d) => d === 1) && s.unitDead.some((d) => d === 0), 'some units dead, some alive').toBe(true);
      } else {
        expect(s.unitSaturated, kind).toEqual(sat.map((c) => c / rows));
        expect(s.saturatedFrac).toBeCloseTo(sat.reduce((a, b) => a + b, 0) / (rows * units), 12);
        expect(s.saturatedFrac).toBeGreaterThan(0);
      }
    }
  });
});
