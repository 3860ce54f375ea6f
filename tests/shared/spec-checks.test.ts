// The cross-field checks the app runs while a spec is edited and the engine runs at start: the
// output layer against the data's classes, the output activation against the loss.
import { describe, expect, it } from 'vitest';
import { crossFieldIssues, outputLayerIndex, outputMismatch, outputUnitsProblem, specClasses } from '../../shared/spec-checks.ts';

const mlp = (units: number, activation = 'softmax', loss?: string, train: object = { type: 'mnist-digits' }) => ({
  data: { train },
  model: { layers: [{ type: 'flatten' }, { type: 'dense', units: 32, activation: 'relu' }, { type: 'dense', units, activation }, { type: 'dropout', rate: 0.1 }] },
  ...(loss ? { training: { loss } } : {}),
});

describe('cross-field checks', () => {
  it('knows the classes the spec alone tells, and says when only the files know', () => {
    expect(specClasses(mlp(10))).toBe(10);
    expect(specClasses({ data: { train: { type: 'synthetic', name: 'spirals', classes: 5 } } })).toBe(5);
    expect(specClasses({ data: { train: { type: 'synthetic', name: 'spirals' } } })).toBe(2); // the schema's default
    expect(specClasses({ data: { train: { type: 'synthetic', name: 'moons', classes: 7 } } })).toBe(2); // moons have 2 whatever it says
    expect(specClasses({ data: { train: { type: 'dataset', name: 'fashion-mnist', split: 'train' } } })).toBe(10);
    expect(specClasses({ data: { train: { type: 'csv', path: 'x.csv', task: 'regression' } } })).toBeNull();
    expect(specClasses({ data: { train: { type: 'idx', images: 'a', labels: 'b' } } })).toBeUndefined();
    expect(specClasses({})).toBeUndefined();
  });

  it('finds the output layer through layers that keep its width, not through ones that reshape', () => {
    expect(outputLayerIndex(mlp(10))).toBe(2);
    expect(outputLayerIndex({ model: { layers: [{ type: 'dense', units: 3 }, { type: 'conv2d', filters: 3 }] } })).toBeNull();
  });

  it('flags an output with 5 units for 10 classes at the layer\'s units, with the engine\'s words', () => {
    expect(crossFieldIssues(mlp(5))).toEqual([{ path: 'model.layers[2].units', message: 'the output has 5 units but the data has 10 classes', severity: 'error' }]);
    expect(crossFieldIssues(mlp(10))).toEqual([]);
  });

  it('warns when the output activation does not fit the loss (a run may still start: the diagnosis names it)', () => {
    expect(crossFieldIssues(mlp(10, 'sigmoid'))).toEqual([{ path: 'model.layers[2].activation', message: 'the output activation is sigmoid, but categorical_crossentropy expects softmax probabilities', severity: 'warning' }]);
    const binary = crossFieldIssues(mlp(1, 'softmax', 'binary_crossentropy', { type: 'synthetic', name: 'moons' }));
    expect(binary).toEqual([{ path: 'model.layers[2].activation', message: 'the output activation is softmax, but binary_crossentropy expects a sigmoid probability', severity: 'warning' }]);
    expect(outputMismatch(mlp(1, 'sigmoid', 'binary_crossentropy'))).toBeNull();
  });

  it('binary cross-entropy needs 2 classes and one unit; a regression target one unit and no cross-entropy', () => {
    expect(outputUnitsProblem(2, 'binary_crossentropy', 2)).toEqual({ field: 'units', message: 'the output has 2 units; binary_crossentropy needs 1 (a sigmoid unit)' });
    expect(outputUnitsProblem(1, 'binary_crossentropy', 10)).toEqual({ field: 'loss', message: 'binary_crossentropy needs 2 classes, the data has 10' });
    expect(outputUnitsProblem(1, 'mse', null)).toBeNull();
    expect(outputUnitsProblem(3, 'mse', null)?.field).toBe('units');
    expect(outputUnitsProblem(1, 'categorical_crossentropy', null)?.field).toBe('loss');
  });

  it('reads a draft with other errors, and says nothing where the spec does not tell', () => {
    expect(crossFieldIssues({ model: { layers: 'oops' } })).toEqual([]);
    expect(crossFieldIssues(mlp(5, 'softmax', undefined, { type: 'idx', images: 'a', labels: 'b' }))).toEqual([]);
  });
});
