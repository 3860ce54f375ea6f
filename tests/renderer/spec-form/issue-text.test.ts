// Spec issues in the user's words, at their field: 1-based layer numbers as the form shows them,
// what is wrong in plain words, and the JSON line to mark.
import { describe, expect, it } from 'vitest';
import { checkSpec, specJsonSchema } from '../../../shared/spec.ts';
import { crossFieldIssues } from '../../../shared/spec-checks.ts';
import { fieldLabel, parsePath, toFieldIssue } from '../../../renderer/src/views/spec-form/issue-text.ts';
import { isIntegerAt, type Node } from '../../../renderer/src/views/spec-form/schema.ts';
import { lineOf, pathLines } from '../../../renderer/src/views/spec-form/json-lines.ts';

const schema = specJsonSchema() as Node;
const base = () => ({
  name: 'x', data: { train: { type: 'synthetic', name: 'spirals', classes: 3 } },
  model: { layers: [{ type: 'dense', units: 16, activation: 'tanh' }, { type: 'dense', units: 3, activation: 'softmax' }] },
});
function texts(spec: unknown): string[] {
  const r = checkSpec(spec);
  const integer = (p: (string | number)[]) => isIntegerAt(schema, spec, p);
  return [...(r.ok ? [] : r.issues.map((i) => toFieldIssue(i, spec, integer).text)), ...crossFieldIssues(spec as object).map((i) => toFieldIssue(i, spec).text)];
}

describe('spec issues in words', () => {
  it('parses paths as formatPath writes them', () => {
    expect(parsePath('model.layers[1].units')).toEqual(['model', 'layers', 1, 'units']);
    expect(parsePath('training.schedule.boundaries[0]')).toEqual(['training', 'schedule', 'boundaries', 0]);
    expect(parsePath('(root)')).toEqual([]);
  });

  it('names layers from 1, with their type, as the form does', () => {
    const s = base();
    expect(fieldLabel(['model', 'layers', 1, 'units'], s)).toBe('Layer 2 (dense): units');
    expect(fieldLabel(['training', 'batchSize'], s)).toBe('Training: batch size');
  });

  it('says a bound in words: "Layer 2 (dense): units must be a whole number above 0"', () => {
    const s = base(); s.model.layers[1].units = 0;
    expect(texts(s)[0]).toBe('Layer 2 (dense): units must be a whole number above 0');
    const f = base() as any; f.training = { batchSize: 2.5 };
    expect(texts(f)).toContain('Training: batch size must be a whole number');
    const l = base() as any; l.training = { optimizer: { type: 'adam', learningRate: -1 } };
    expect(texts(l)).toContain('Training: optimizer learning rate must be a number above 0');
    const e = base() as any; e.model.layers = [];
    expect(texts(e)).toContain('Model: layers: give at least one layer, or a model file to import');
  });

  it('says which values a choice takes, which keys are unknown, what is missing', () => {
    const a = base() as any; a.model.layers[0].activation = 'relu6';
    expect(texts(a)[0]).toMatch(/^Layer 1 \(dense\): activation must be one of "sigmoid", "tanh", "relu"/);
    const k = base() as any; k.model.layers[0].unit = 4;
    expect(texts(k)[0]).toBe('Layer 1 (dense) has no field "unit" (a typo?)');
    const m = base() as any; delete m.model.layers[0].units;
    expect(texts(m)[0]).toBe('Layer 1 (dense): units is missing');
  });

  it('counts layers from 1 in the engine\'s own words too, and flags the output units while editing', () => {
    const d = base() as any; d.model.layers[1].name = 'dense_1';
    expect(texts(d)[0]).toBe('Layer 2 (dense): name: layer name "dense_1" is already the name of layer 1');
    const u = base(); u.model.layers[1].units = 5;
    expect(texts(u)).toEqual(['Layer 2 (dense): units: the output has 5 units but the data has 3 classes']);
  });

  it('finds the JSON line of a path, or of its nearest enclosing value when the field is missing', () => {
    const s = base();
    const text = JSON.stringify(s, null, 2);
    const lines = pathLines(text);
    const at = (needle: string, from = 0) => text.slice(0, text.indexOf(needle, from)).split('\n').length;
    expect(lineOf(lines, 'model.layers[1].units')).toBe(at('"units": 3'));
    expect(lineOf(lines, 'model.layers[0]')).toBe(at('{', text.indexOf('"layers"')));
    expect(lineOf(lines, 'model.layers[1].kernelInitializer')).toBe(lineOf(lines, 'model.layers[1]'));
    expect(lineOf(lines, 'data.train.name')).toBe(at('"name": "spirals"'));
    // on one line, every path is on line 1
    expect(lineOf(pathLines(JSON.stringify(s)), 'model.layers[1].units')).toBe(1);
  });
});
