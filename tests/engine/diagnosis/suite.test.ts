// The diagnosis suite (tests/fixtures/diagnosis, expected.json): every deliberately broken spec
// gets its expected findings within its first two epochs and its expected root cause, healthy
// specs get no warning or error and no cause, and no advice contradicts the spec or another finding.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadExpected, runSuiteCase } from '../../../main/engine/diagnosis/suite.ts';
import { diagnose } from '../../../main/engine/diagnosis/diagnoser.ts';
import type { FindingKind } from '../../../shared/diagnosis/finding.ts';
import { ofType, tinySpec, trainAll } from '../../helpers.ts';

const DIR = join(__dirname, '../../fixtures/diagnosis');
const expected = loadExpected(DIR);

describe('diagnosis suite', () => {
  it('covers every check and at least ten hidden causes, with healthy MLP, CNN, BN and dropout specs', () => {
    const covered = new Set(Object.values(expected).flatMap((e) => e.findings));
    for (const k of ['non_finite', 'exploding_gradients', 'vanishing_gradients', 'saturated_units', 'dead_units', 'init_activation_scale',
      'init_loss_mismatch', 'init_mismatched_initializer', 'lr_too_high', 'lr_too_low', 'overfitting', 'underfitting',
      'inputs_not_scaled', 'output_loss_mismatch', 'class_imbalance'] as FindingKind[]) expect(covered.has(k), k).toBe(true);
    const names = Object.keys(expected);
    expect(names.length).toBeGreaterThanOrEqual(30);
    expect(names.filter((n) => expected[n].cause === null).length).toBeGreaterThanOrEqual(6);
    expect(names.filter((n) => n.startsWith('hidden-')).length).toBeGreaterThanOrEqual(10);
    for (const kind of ['cnn', 'bn', 'dropout', 'mlp']) expect(names.some((n) => n.startsWith('healthy-') && n.includes(kind)), kind).toBe(true);
  });

  it.each(Object.entries(expected))('%s', async (name, want) => {
    const c = await runSuiteCase(DIR, name, want);
    expect(c.missing).toEqual([]);
    expect(c.falseAlarms.map((f) => `${f.kind}: ${f.evidence.join('; ')}`)).toEqual([]);
    expect(c.diagnosis?.cause?.kind ?? null).toBe(want.cause);
    expect(c.contradictions).toEqual([]);
    if (want.status) expect(c.status).toBe(want.status);
    for (const f of c.findings) {
      expect(f.evidence.length).toBeGreaterThan(0);
      expect(f.explanation.length).toBeGreaterThan(20);
      expect(f.epoch).toBeLessThanOrEqual(1); // within the first two epochs
    }
    if (want.cause) {
      const cause = c.diagnosis!.cause!;
      expect(cause.remedies.length).toBeGreaterThan(0);
      expect(cause.links[0].text.length).toBeGreaterThan(5);
      expect(cause.confidence).toBeGreaterThan(0.5);
    }
  });
});

describe('diagnosis after the fact', () => {
  it('replaying a run\'s events finds what the live checks found, each once', async () => {
    const s = tinySpec({ model: { layers: [{ type: 'dense', units: 16, activation: 'tanh', kernelInitializer: 'he_normal' }, { type: 'dense', units: 3, activation: 'softmax' }] }, training: { epochs: 2 } });
    const { events } = await trainAll(s);
    const live = new Map(ofType(events, 'finding').map((e) => [e.finding.id, e.finding]));
    expect([...live.values()].map((f) => f.kind)).toContain('init_mismatched_initializer');
    const replayed = diagnose(events.filter((e) => e.type !== 'finding' && e.type !== 'diagnosis'));
    expect(replayed.map((f) => f.id)).toEqual([...live.keys()]);
    expect(replayed.map((f) => f.title)).toEqual([...live.values()].map((f) => f.title));
  });

  it('can be switched off in the spec', async () => {
    const s = tinySpec({ model: { layers: [{ type: 'dense', units: 16, activation: 'tanh', kernelInitializer: 'he_normal' }, { type: 'dense', units: 3, activation: 'softmax' }] }, diagnosis: { enabled: false } });
    const { events } = await trainAll(s);
    expect(ofType(events, 'finding')).toEqual([]);
    expect(ofType(events, 'diagnosis')).toEqual([]);
  });
});
