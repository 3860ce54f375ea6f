// The runs list's "what changed" label: the few fields people change between attempts, in words.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateSpec, type RunSpec } from '../../../../shared/spec.ts';
import { specDiffLabel, specDiffParts } from '../../../../renderer/src/views/library/spec-diff.ts';

const raw = () => JSON.parse(readFileSync(join(__dirname, '../../../../assets/specs/fashion-mnist-cnn.json'), 'utf8'));
/** The spec as the run-start event carries it: validated, defaults filled in. */
function spec(change: (s: ReturnType<typeof raw>) => void = () => {}): RunSpec {
  const s = raw();
  change(s);
  const v = validateSpec(s);
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  return v.spec;
}

describe('specDiffLabel', () => {
  it('names the learning rate as people write it', () => {
    expect(specDiffLabel(spec((s) => { s.training.optimizer.learningRate = 0.003; }), spec((s) => { s.training.optimizer.learningRate = 5; }))).toBe('lr 0.003 → 5');
    expect(specDiffLabel(spec((s) => { s.training.optimizer.learningRate = 0.1 + 0.2; }), spec())).toBe('lr 0.3 → 0.001');
  });

  it('counts layers when a layer was added or removed', () => {
    expect(specDiffLabel(spec(), spec((s) => { s.model.layers.splice(5, 0, { type: 'batchnorm' }); }))).toBe('layers 8 → 9');
  });

  it('names an activation change once, however many layers it changed', () => {
    const tanh = spec((s) => { for (const l of s.model.layers) if (l.activation === 'relu') l.activation = 'tanh'; });
    expect(specDiffLabel(spec(), tanh)).toBe('relu → tanh');
  });

  it('names units, filters, the initialiser and the dropout rate of layers in the same places', () => {
    expect(specDiffLabel(spec(), spec((s) => { s.model.layers[5].units = 256; }))).toBe('units 128 → 256');
    expect(specDiffLabel(spec(), spec((s) => { s.model.layers[0].filters = 32; }))).toBe('filters 16 → 32');
    expect(specDiffLabel(spec(), spec((s) => { s.model.layers[0].kernelInitializer = 'glorot_uniform'; }))).toBe('he_normal → glorot_uniform');
    expect(specDiffLabel(spec(), spec((s) => { s.model.layers[6].rate = 0.5; }))).toBe('dropout 0.3 → 0.5');
  });

  it('shows the two most telling differences and counts the rest', () => {
    const b = spec((s) => {
      s.training.optimizer = { type: 'sgd', learningRate: 0.1 };
      s.training.batchSize = 128;
      s.training.epochs = 2;
    });
    expect(specDiffParts(spec(), b)).toEqual(['adam → sgd', 'lr 0.001 → 0.1', 'batch 64 → 128', 'epochs 5 → 2']);
    expect(specDiffLabel(spec(), b)).toBe('adam → sgd, lr 0.001 → 0.1 +2');
  });

  it('names data changes: the source, a sample limit, normalisation', () => {
    expect(specDiffLabel(spec(), spec((s) => { s.data.limit = 3000; }))).toBe('samples all → 3000');
    expect(specDiffLabel(spec(), spec((s) => { s.data.normalize = 'none'; }))).toBe('normalize scale → none');
    expect(specDiffLabel(spec(), spec((s) => { s.data.train = { type: 'mnist-digits' }; s.data.test = 0.1; }))).toBe('data fashion-mnist → mnist-digits');
  });

  it('says "same spec" for the same settings under another name, and "other settings" for a change it does not name', () => {
    expect(specDiffLabel(spec(), spec((s) => { s.name = 'other'; s.description = 'again'; }))).toBe('same spec');
    expect(specDiffLabel(spec(), spec((s) => { s.training.optimizer.beta2 = 0.99; }))).toBe('other settings');
  });

  it('reads specs stored by older versions that lack fields without throwing', () => {
    const old = { name: 'old', data: { train: { type: 'mnist-digits' } }, model: { layers: [{ type: 'dense', units: 10 }] } } as unknown as RunSpec;
    expect(specDiffLabel(old, spec())).toMatch(/→/);
  });
});
