// The init explorer's recommendation: the initialiser whose activation std stays most nearly
// constant across the layers (the output layer left out), and every tool's one-line verdict.
import { describe, expect, it } from 'vitest';
import { initVerdict, rankInitializers } from '../../../renderer/src/tools/init-explorer/recommend.ts';
import { overfitVerdict } from '../../../renderer/src/tools/overfit/verdict.ts';
import type { InitExplorerResult } from '../../../shared/tools/init-explorer/definition.ts';
import type { OverfitResult } from '../../../shared/tools/overfit/definition.ts';

const layer = (layer: string, std: number, deadFrac = 0) => ({ layer, activation: 'relu', hist: { lo: 0, hi: 1, counts: [1] }, std, saturatedFrac: 0, deadFrac });
const result = (stds: Record<string, number[]>): InitExplorerResult => ({
  draws: 10, batch: 32,
  initializers: Object.entries(stds).map(([initializer, s]) => ({ initializer: initializer as never, layers: [...s.map((v, i) => layer(`dense_${i + 1}`, v)), layer('out', 0.3)] })),
});

describe('init explorer recommendation', () => {
  it('ranks by how far the std drifts across the hidden layers', () => {
    const r = result({ glorot_normal: [0.8, 0.5, 0.3], he_normal: [1.1, 1.0, 1.05], lecun_normal: [0.9, 0.7, 0.6], 'random_normal(0,1)': [12, 150, 2000] });
    expect(rankInitializers(r).map((s) => s.initializer)).toEqual(['he_normal', 'lecun_normal', 'glorot_normal', 'random_normal(0,1)']);
    expect(initVerdict(r)).toMatch(/^Use he_normal: the activation std stays within 1\.1x across the layers \(lecun_normal 1\.5x, glorot_normal 2\.7x, random_normal\(0,1\) 167x\)$/);
  });

  it('a layer with no signal at all is the worst drift', () => {
    const r = result({ glorot_normal: [0.5, 0], he_normal: [0.5, 0.1] });
    expect(rankInitializers(r)[0].initializer).toBe('he_normal');
    expect(initVerdict(r)).toContain('glorot_normal a layer all zero');
  });
});

describe('tool verdicts', () => {
  const base: OverfitResult = { passed: true, reason: null, explanation: null, evidence: [], finalLoss: 0.01, finalAccuracy: 1, steps: 120, initialLoss: 2.3026, expectedInitialLoss: 2.3026, initialLossOk: true, samples: 32, switchedOff: [], losses: [2.3, 0.01], backend: 'cpu' };
  it('overfit: pass with the loss reached, fail with the reason in words', () => {
    expect(overfitVerdict(base)).toEqual({ ok: true, text: 'PASS: the model fits 32 samples (loss 2.3026 → 0.0100 in 120 steps)' });
    expect(overfitVerdict({ ...base, passed: false, reason: 'lr_too_high', explanation: 'Lower the learning rate.' }).text).toBe('FAIL: lr too high. Lower the learning rate.');
  });
});
