// The Sweeps view's definition: the fields listed from a spec (with their paths), and the form as a
// sweep object, checked by validateSweep with each problem filed under its form control.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateSpec, type RunSpec } from '../../shared/spec.ts';
import { validateSweep } from '../../shared/sweep/validate.ts';
import { sampleConfigs } from '../../shared/sweep/sample.ts';
import { sweepableFields } from '../../renderer/src/views/sweeps/sweep-fields.ts';
import { buildSweep, defaultFieldDraft, estimateStepsPerEpoch, fieldParameter, issueKey, modesFor, plainIssue, sweepName, type SweepDraft } from '../../renderer/src/views/sweeps/sweep-definition.ts';

const raw = (name: string) => JSON.parse(readFileSync(join(__dirname, `../../assets/specs/${name}.json`), 'utf8'));
const spec = (name: string, change: (s: any) => void = () => {}): { raw: any; spec: RunSpec } => {
  const r = raw(name);
  change(r);
  const v = validateSpec(r);
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  return { raw: r, spec: v.spec };
};

const draft = (o: Partial<SweepDraft> = {}): SweepDraft => ({
  name: 'lr-sweep', method: 'grid', trials: null, seed: 1, metric: 'val_loss', goal: 'auto', concurrency: 2,
  asha: { minEpochs: 1, maxEpochs: 9, reductionFactor: 3 }, fields: {}, preset: null, ...o,
});
const on = (values: string, o: Partial<SweepDraft['fields'][string]> = {}) => ({ on: true, mode: 'values' as const, values, low: '', high: '', ...o });

describe('the fields a sweep can vary, from the spec', () => {
  it('lists the training fields and each layer\'s own, with spec paths; the output layer keeps its size and activation', () => {
    const { spec: s } = spec('spirals-deep-tanh', (r) => { r.model.layers.splice(1, 0, { type: 'dropout', rate: 0.2 }); });
    const fields = sweepableFields(s);
    const paths = fields.map((f) => f.path);
    expect(paths.slice(0, 4)).toEqual(['training.optimizer', 'training.optimizer.learningRate', 'training.batchSize', 'training.epochs']);
    expect(paths).toContain('model.layers[0].units');
    expect(paths).toContain('model.layers[0].activation');
    expect(paths).toContain('model.layers[0].kernelInitializer');
    expect(paths).toContain('model.layers[0].kernelRegularizer.l2');
    expect(paths).toContain('model.layers[1].rate');
    // the last dense layer is the output: its initialiser and L2 may vary, its units and softmax not
    expect(paths).not.toContain('model.layers[6].units');
    expect(paths).not.toContain('model.layers[6].activation');
    expect(paths).toContain('model.layers[6].kernelInitializer');
    const lr = fields.find((f) => f.path === 'training.optimizer.learningRate')!;
    expect(lr).toMatchObject({ kind: 'real', current: 0.003, logScale: true, label: 'learning rate' });
    expect(fields.find((f) => f.path === 'model.layers[1].rate')).toMatchObject({ kind: 'real', current: 0.2, below1: true, label: 'dropout_2 rate' });
    expect(fields.find((f) => f.path === 'model.layers[0].units')).toMatchObject({ kind: 'int', current: 64, label: 'dense_1 units' });
    expect(fields.find((f) => f.path === 'model.layers[0].activation')!.options).not.toContain('softmax');
  });

  it('a conv net lists filters', () => {
    const { spec: s } = spec('fashion-mnist-cnn');
    const conv = sweepableFields(s).filter((f) => /filters$/.test(f.path));
    expect(conv.length).toBeGreaterThan(0);
    expect(conv[0]).toMatchObject({ kind: 'int' });
  });

  it('the optimiser is varied as a whole object (a type alone would keep the other type\'s settings), labelled by its type', () => {
    const { raw: r, spec: s } = spec('spirals-deep-tanh');
    const f = sweepableFields(s).find((x) => x.path === 'training.optimizer')!;
    const p = fieldParameter(f, on('sgd, momentum, adam'));
    expect(p).toEqual({ parameter: { values: [{ type: 'sgd', learningRate: 0.003 }, { type: 'momentum', learningRate: 0.003 }, { type: 'adam', learningRate: 0.003 }], labels: ['sgd', 'momentum', 'adam'] } });
    // with the learning rate ticked too, both apply (the optimiser object first, then its rate)
    const fields = sweepableFields(s);
    const b = buildSweep(draft({ fields: { 'training.optimizer': on('sgd, adam'), 'training.optimizer.learningRate': on('0.01, 0.1') } }), fields, r);
    expect(b.issues.size).toBe(0);
    expect(Object.keys(b.sweep.parameters as object)).toEqual(['training.optimizer', 'training.optimizer.learningRate']);
    const check = validateSweep(b.sweep, r);
    expect(check.ok).toBe(true);
    if (check.ok) expect(sampleConfigs(check.sweep)).toHaveLength(4);
  });
});

describe('the definition as a sweep', () => {
  const { raw: r, spec: s } = spec('spirals-deep-tanh');
  const fields = sweepableFields(s);

  it('a grid over a comma list: the sweep object the CLI would read, and its size', () => {
    const b = buildSweep(draft({ fields: { 'training.optimizer.learningRate': on('0.001, 0.01, 0.1'), 'model.layers[0].units': on('32, 64') } }), fields, r);
    expect(b.issues.size).toBe(0);
    expect(b.gridSize).toBe(6);
    expect(b.trials).toBe(6);
    expect(b.sweep).toEqual({
      name: 'lr-sweep', base: r, method: 'grid', seed: 1, metric: 'val_loss', concurrency: 2,
      parameters: { 'training.optimizer.learningRate': { values: [0.001, 0.01, 0.1] }, 'model.layers[0].units': { values: [32, 64] } },
    });
  });

  it('unticked fields are left out; ranges by mode; asha settings only for asha', () => {
    const b = buildSweep(draft({
      method: 'asha', trials: 8, goal: 'minimize',
      fields: { 'training.optimizer.learningRate': on('', { mode: 'log_uniform', low: '0.0001', high: '0.1' }), 'model.layers[0].units': on('', { mode: 'int_uniform', low: '16', high: '128' }), 'training.batchSize': { ...on('32'), on: false } },
    }), fields, r);
    expect(b.issues.size).toBe(0);
    expect(b.sweep.parameters).toEqual({ 'training.optimizer.learningRate': { log_uniform: [0.0001, 0.1] }, 'model.layers[0].units': { int_uniform: [16, 128] } });
    expect(b.sweep.asha).toEqual({ minEpochs: 1, maxEpochs: 9, reductionFactor: 3 });
    expect(b.sweep.goal).toBe('minimize');
    expect(b.gridSize).toBeNull();
    expect(b.trials).toBe(8);
    expect(buildSweep(draft({ fields: { 'training.optimizer.learningRate': on('0.01') } }), fields, r).sweep.asha).toBeUndefined();
  });

  it('problems in plain words at their field: text that is no number, a value the run spec refuses, a range on a grid', () => {
    const at = (fieldsDraft: SweepDraft['fields'], o: Partial<SweepDraft> = {}) => buildSweep(draft({ fields: fieldsDraft, ...o }), fields, r).issues;
    expect(at({ 'training.optimizer.learningRate': on('0.01, abc') }).get('training.optimizer.learningRate')).toEqual(['"abc" is not a number']);
    expect(at({ 'model.layers[0].units': on('32, 48.5') }).get('model.layers[0].units')).toEqual(['48.5: dense_1 units takes whole numbers']);
    expect(at({ 'model.layers[0].activation': on('relu, swish') }).get('model.layers[0].activation')![0]).toMatch(/^"swish" is not one of sigmoid, tanh, relu/);
    expect(at({ 'training.optimizer.learningRate': on('') }).get('training.optimizer.learningRate')).toEqual(['give at least one value (a comma list, e.g. 0.001, 0.01)']);
    const negative = at({ 'training.optimizer.learningRate': on('0.01, -1') });
    expect(negative.get('training.optimizer.learningRate')![0]).toMatch(/^-1 does not give a valid run spec \(training\.optimizer\.learningRate: /);
    expect(at({ 'training.optimizer.learningRate': on('', { mode: 'log_uniform', low: '0.001', high: '0.1' }) }).get('training.optimizer.learningRate')).toEqual(['a grid needs a list of values; for a range use method random or asha']);
    expect(at({ 'training.optimizer.learningRate': on('', { mode: 'log_uniform', low: '0.1', high: '0.001' }) }, { method: 'random', trials: 4 }).get('training.optimizer.learningRate')).toEqual(['log_uniform: [low, high] needs 0 < low < high']);
    expect(at({ 'training.optimizer.learningRate': on('', { mode: 'uniform', low: 'x', high: '1' }) }, { method: 'random', trials: 4 }).get('training.optimizer.learningRate')).toEqual(['the low end "x" is not a number']);
    // the sweep's own controls
    expect(at({})).toEqual(new Map([['parameters', ['name at least one parameter to vary']]]));
    expect(at({ 'training.optimizer.learningRate': on('0.01') }, { method: 'random' }).get('trials')).toEqual(['random draws configurations: say how many (trials)']);
    expect(at({ 'training.optimizer.learningRate': on('0.01, 0.1') }, { trials: 5 }).get('trials')).toEqual(['5 trials, but the grid has 2 combinations']);
    expect(at({ 'training.optimizer.learningRate': on('0.01') }, { name: 'my sweep' }).get('name')![0]).toMatch(/letters, digits/);
    expect(at({ 'training.epochs': on('1, 2') }, { method: 'asha', trials: 4 }).get('training.epochs')).toEqual(['successive halving sets the epochs itself (asha.maxEpochs)']);
    expect(at({ 'training.optimizer.learningRate': on('0.01') }, { method: 'asha', trials: 4, asha: { minEpochs: 3, maxEpochs: 2, reductionFactor: 3 } }).get('asha')).toEqual(['2 is below minEpochs (3)']);
    expect(at({ 'training.optimizer.learningRate': on('0.01') }, { concurrency: 0 }).get('concurrency')).toEqual(['must be >= 1']);
    // a field whose text could not be read does not also say "name at least one parameter"
    expect([...at({ 'training.optimizer.learningRate': on('abc') }).keys()]).toEqual(['training.optimizer.learningRate']);
  });

  it('a metric the base spec cannot give is refused at the metric', () => {
    const noVal = spec('spirals-deep-tanh', (x) => { x.data.validation = 0; delete x.training.earlyStopping; });
    const b = buildSweep(draft({ fields: { 'training.optimizer.learningRate': on('0.01') } }), sweepableFields(noVal.spec), noVal.raw);
    expect(b.issues.get('metric')![0]).toMatch(/^val_loss needs a validation split/);
  });

  it('a preset\'s parameters go as they are (labelled whole objects), and the ticked fields are ignored', () => {
    const b = buildSweep(draft({ fields: { 'training.optimizer.learningRate': on('abc') }, preset: { id: 'batchnorm', title: 'x', expect: 'y', parameters: { 'model.layers': { values: [s.model.layers, s.model.layers.slice(1)], labels: ['all', 'one fewer'] } } } }), fields, r);
    expect(b.issues.size).toBe(0);
    expect(Object.keys(b.sweep.parameters as object)).toEqual(['model.layers']);
    expect(b.gridSize).toBe(2);
  });
});

describe('small helpers', () => {
  it('default drafts: three values around the spec\'s (a tenth and ten times a rate), ranges to match', () => {
    const { spec: s } = spec('spirals-deep-tanh');
    const f = (p: string) => sweepableFields(s).find((x) => x.path === p)!;
    expect(defaultFieldDraft(f('training.optimizer.learningRate'))).toEqual({ on: true, mode: 'values', values: '0.0003, 0.003, 0.03', low: '0.0003', high: '0.03' });
    expect(defaultFieldDraft(f('training.batchSize')).values).toBe('16, 32, 64');
    expect(defaultFieldDraft(f('model.layers[0].activation')).values).toBe('tanh, sigmoid');
    expect(defaultFieldDraft(f('model.layers[0].kernelRegularizer.l2')).values).toBe('0, 0.0001, 0.001');
    expect(modesFor(f('training.batchSize'))).toEqual(['values', 'int_uniform']);
    expect(modesFor(f('training.optimizer'))).toEqual(['values']);
    expect(modesFor(f('training.optimizer.learningRate'))).toEqual(['values', 'uniform', 'log_uniform']);
  });

  it('issue paths to form controls; zod words made plainer; names and steps per epoch', () => {
    const paths = ['training.optimizer', 'training.optimizer.learningRate', 'model.layers[0].units'];
    expect(issueKey('parameters.training.optimizer.learningRate', paths)).toBe('training.optimizer.learningRate');
    expect(issueKey('parameters.training.optimizer', paths)).toBe('training.optimizer');
    expect(issueKey('parameters.model.layers[0].units', paths)).toBe('model.layers[0].units');
    expect(issueKey('parameters.nope', paths)).toBe('parameters');
    expect(issueKey('asha.maxEpochs', paths)).toBe('asha');
    expect(issueKey('base: data.train', paths)).toBe('base');
    expect(plainIssue({ path: 'concurrency', message: 'Too small: expected number to be >=1' })).toBe('must be >= 1');
    expect(sweepName('my run (2)')).toBe('my-run-2-sweep');
    expect(sweepName('spirals-deep-tanh', 'optimizers')).toBe('spirals-deep-tanh-optimizers');
    // 3000 spirals, 30% held out, batches of 32: 66 steps
    expect(estimateStepsPerEpoch(spec('spirals-deep-tanh').spec)).toBe(66);
  });
});
