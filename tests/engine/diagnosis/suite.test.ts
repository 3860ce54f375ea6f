// The diagnosis suite: every deliberately broken spec gets its finding within its first two
// epochs; healthy specs get no warning or error (tests/fixtures/diagnosis, expected.json).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSuiteCase } from '../../../main/engine/diagnosis/suite.ts';
import { diagnose } from '../../../main/engine/diagnosis/diagnoser.ts';
import type { FindingKind } from '../../../shared/diagnosis/finding.ts';
import { ofType, tinySpec, trainAll } from '../../helpers.ts';

const DIR = join(__dirname, '../../fixtures/diagnosis');
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, FindingKind[]>;

describe('diagnosis suite', () => {
  it('covers every check with at least one broken spec, and has healthy specs', () => {
    const covered = new Set(Object.values(expected).flat());
    for (const k of ['non_finite', 'exploding_gradients', 'vanishing_gradients', 'saturated_units', 'dead_units', 'init_activation_scale',
      'init_loss_mismatch', 'init_mismatched_initializer', 'lr_too_high', 'lr_too_low', 'overfitting', 'underfitting',
      'inputs_not_scaled', 'output_loss_mismatch', 'class_imbalance'] as FindingKind[]) expect(covered.has(k), k).toBe(true);
    expect(Object.values(expected).filter((v) => v.length === 0).length).toBeGreaterThanOrEqual(3);
  });

  it.each(Object.entries(expected))('%s -> %j', async (name, kinds) => {
    const c = await runSuiteCase(DIR, name, kinds);
    expect(c.missing).toEqual([]);
    expect(c.falseAlarms.map((f) => `${f.kind}: ${f.evidence.join('; ')}`)).toEqual([]);
    for (const f of c.findings) {
      expect(f.evidence.length).toBeGreaterThan(0);
      expect(f.explanation.length).toBeGreaterThan(20);
      if (f.severity !== 'info') expect(f.remedies.length).toBeGreaterThan(0);
      expect(f.epoch).toBeLessThanOrEqual(1); // within the first two epochs
    }
  });
});

describe('diagnosis after the fact', () => {
  it('replaying a run\'s events finds what the live checks found, each once', async () => {
    const s = tinySpec({ model: { layers: [{ type: 'dense', units: 16, activation: 'tanh', kernelInitializer: 'he_normal' }, { type: 'dense', units: 3, activation: 'softmax' }] }, training: { epochs: 2 } });
    const { events } = await trainAll(s);
    const live = ofType(events, 'finding').map((e) => e.finding);
    expect(live.map((f) => f.kind)).toContain('init_mismatched_initializer');
    const replayed = diagnose(events.filter((e) => e.type !== 'finding'));
    expect(replayed.map((f) => f.id)).toEqual(live.map((f) => f.id));
    expect(new Set(live.map((f) => f.id)).size).toBe(live.length);
  });

  it('can be switched off in the spec', async () => {
    const s = tinySpec({ model: { layers: [{ type: 'dense', units: 16, activation: 'tanh', kernelInitializer: 'he_normal' }, { type: 'dense', units: 3, activation: 'softmax' }] }, diagnosis: { enabled: false } });
    expect(ofType((await trainAll(s)).events, 'finding')).toEqual([]);
  });
});
