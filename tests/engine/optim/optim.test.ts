import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { NadamOptimizer } from '../../../main/engine/optim/nadam.ts';
import { makeOptimizer, setLearningRate } from '../../../main/engine/optim/optimizers.ts';
import { PlateauReducer, scheduledRate } from '../../../main/engine/optim/schedules.ts';
import { clipGradients, globalNorm } from '../../../main/engine/optim/clip.ts';
import { spec, useBackend } from '../../helpers.ts';

beforeAll(async () => { await useBackend('cpu'); });

describe('learning-rate schedules', () => {
  it('exponential: lr0 * rate^(step / decaySteps), optionally in stairs', () => {
    const s = { type: 'exponential' as const, decaySteps: 100, decayRate: 0.5, staircase: false };
    expect(scheduledRate(s, 0.1, 0, 0)).toBeCloseTo(0.1, 12);
    expect(scheduledRate(s, 0.1, 100, 0)).toBeCloseTo(0.05, 12);
    expect(scheduledRate(s, 0.1, 150, 0)).toBeCloseTo(0.1 * 0.5 ** 1.5, 12);
    expect(scheduledRate({ ...s, staircase: true }, 0.1, 150, 0)).toBeCloseTo(0.05, 12);
  });

  it('power: lr0 / (1 + step / decaySteps)^power', () => {
    const s = { type: 'power' as const, decaySteps: 10, power: 2 };
    expect(scheduledRate(s, 0.2, 0, 0)).toBeCloseTo(0.2, 12);
    expect(scheduledRate(s, 0.2, 10, 0)).toBeCloseTo(0.05, 12);
    expect(scheduledRate(s, 0.2, 30, 0)).toBeCloseTo(0.2 / 16, 12);
  });

  it('piecewise constant, by epoch or by step', () => {
    const byEpoch = { type: 'piecewise' as const, unit: 'epoch' as const, boundaries: [2, 5], values: [1, 0.1, 0.01] };
    expect([0, 1, 2, 4, 5, 9].map((e) => scheduledRate(byEpoch, 9, 1000, e))).toEqual([1, 1, 0.1, 0.1, 0.01, 0.01]);
    const byStep = { ...byEpoch, unit: 'step' as const };
    expect([0, 1, 2, 5].map((st) => scheduledRate(byStep, 9, st, 0))).toEqual([1, 1, 0.1, 0.01]);
  });

  it('reduce on plateau: waits patience epochs, multiplies by factor, honours cooldown and the floor', () => {
    const p = new PlateauReducer({ type: 'reduce_on_plateau', monitor: 'val_loss', factor: 0.5, patience: 2, minDelta: 0.01, cooldown: 1, minLearningRate: 0.02 });
    const seq = [1.0, 0.9, 0.895, 0.9, 0.91, 0.92, 0.93, 0.94, 0.95];
    let lr = 0.1;
    const out: number[] = [];
    for (const v of seq) { const n = p.onEpochEnd(v, lr); if (n !== null) lr = n; out.push(lr); }
    // improvements at 1.0 and 0.9; 0.895 is within minDelta; reduce after 2 non-improving epochs,
    // then one cooldown epoch, then 2 more; the floor stops at 0.02.
    expect(out).toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025]);
    for (let i = 0; i < 10; i++) { const n = p.onEpochEnd(2, lr); if (n !== null) lr = n; }
    expect(lr).toBe(0.02);
  });
});

describe('gradient clipping', () => {
  it('by global norm keeps the direction and caps the norm', () => {
    const g = { a: tf.tensor([3, 0]), b: tf.tensor([[0, 4]]) }; // global norm 5
    const c = clipGradients(g, { globalNorm: 1 });
    expect(Array.from(c.a.dataSync())).toEqual([expect.closeTo(0.6, 6), 0]);
    expect(Array.from(c.b.dataSync())).toEqual([0, expect.closeTo(0.8, 6)]);
    expect(globalNorm([c.a, c.b]).dataSync()[0]).toBeCloseTo(1, 6);
    const untouched = clipGradients(g, { globalNorm: 10 });
    expect(Array.from(untouched.a.dataSync())).toEqual([3, 0]);
  });

  it('by value clips each element', () => {
    const c = clipGradients({ a: tf.tensor([-3, 0.5, 2]) }, { value: 1 });
    expect(Array.from(c.a.dataSync())).toEqual([-1, 0.5, 1]);
  });
});

describe('Nadam', () => {
  it('matches the formula over three steps', () => {
    const lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-7;
    const w = tf.variable(tf.tensor([0.5, -1.5, 2.0]), true, 'nadam_w');
    const opt = new NadamOptimizer(lr, b1, b2, eps);
    const grads = [[0.1, -0.2, 0.3], [0.05, 0.4, -0.1], [-0.3, 0.0, 0.2]];
    let ref = [0.5, -1.5, 2.0], m = [0, 0, 0], v = [0, 0, 0];
    grads.forEach((g, k) => {
      const t = k + 1;
      opt.applyGradients({ nadam_w: tf.tensor(g) });
      m = m.map((mi, i) => b1 * mi + (1 - b1) * g[i]);
      v = v.map((vi, i) => b2 * vi + (1 - b2) * g[i] ** 2);
      ref = ref.map((wi, i) => {
        const mHat = m[i] / (1 - b1 ** t), vHat = v[i] / (1 - b2 ** t);
        return wi - lr * (b1 * mHat + (1 - b1) * g[i] / (1 - b1 ** t)) / (Math.sqrt(vHat) + eps);
      });
      Array.from(w.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(ref[i], 5));
    });
    expect(opt.iterations).toBe(3);
  });
});

describe('optimisers', () => {
  it.each(['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'nadam', 'adamax'] as const)('%s minimises a quadratic and takes learning-rate changes', (type) => {
    const w = tf.variable(tf.tensor([3, -2]), true, `q_${type}`);
    const opt = makeOptimizer(spec({ data: { train: { type: 'synthetic', name: 'moons' } }, model: { layers: [{ type: 'dense', units: 2 }] }, training: { optimizer: { type, learningRate: 0.05 } } }).training.optimizer);
    const f = () => tf.sum(tf.square(w)) as tf.Scalar;
    const start = f().dataSync()[0];
    for (let i = 0; i < 50; i++) opt.minimize(f);
    expect(f().dataSync()[0]).toBeLessThan(start * 0.9);
    // A zero learning rate must freeze the weights: proves the setter reaches every optimiser.
    setLearningRate(opt, 1e-12);
    const before = Array.from(w.dataSync());
    for (let i = 0; i < 5; i++) opt.minimize(f);
    Array.from(w.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(before[i], 6));
  });
});
