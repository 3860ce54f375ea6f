// The sweep's pure parts: spec paths, the schema and its checks against a base spec, the
// configurations each method draws, the log (torn lines, resume state) and parameter importance.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatSpecPath, getAtPath, parseSpecPath, setAtPath } from '../../../shared/sweep/spec-path.ts';
import { applyConfig, validateSweep } from '../../../shared/sweep/validate.ts';
import { gridSize, sampleConfigs, valueLabel } from '../../../shared/sweep/sample.ts';
import { intactLength, missingStart, parseSweepLog, resumeState, skippedWarning } from '../../../shared/sweep/log.ts';
import { parameterImportance, ranks } from '../../../shared/sweep/importance.ts';
import { mulberry32 } from '../../../shared/random.ts';
import { sweepJsonSchema } from '../../../shared/sweep/sweep-spec.ts';

const digits = JSON.parse(readFileSync(join(__dirname, '../../../assets/specs/digits-mlp.json'), 'utf8'));
const issueExample = {
  name: 'lr-and-width', base: 'digits-mlp.json', method: 'asha', trials: 16, seed: 1, metric: 'val_loss', goal: 'minimize', concurrency: 2,
  asha: { minEpochs: 1, maxEpochs: 9, reductionFactor: 3 },
  parameters: { 'training.optimizer.learningRate': { log_uniform: [0.0001, 0.1] }, 'model.layers[1].units': { values: [64, 128, 256] } },
};
const firstIssue = (raw: unknown, base: unknown = digits) => {
  const v = validateSweep(raw, base);
  return v.ok ? null : `${v.issues[0].path}: ${v.issues[0].message}`;
};

describe('spec paths', () => {
  it('parse, format, get and set without changing the input', () => {
    expect(parseSpecPath('model.layers[1].units')).toEqual(['model', 'layers', 1, 'units']);
    expect(formatSpecPath(['model', 'layers', 1, 'units'])).toBe('model.layers[1].units');
    expect(getAtPath(digits, parseSpecPath('model.layers[1].units'))).toBe(128);
    const changed = setAtPath(digits, parseSpecPath('model.layers[1].units'), 7);
    expect(changed.model.layers[1].units).toBe(7);
    expect(digits.model.layers[1].units).toBe(128);
    expect(() => setAtPath(digits, parseSpecPath('model.layers[9].units'), 1)).toThrow(/model\.layers has 5 entries: there is no \[9\]/);
  });

  it.each(['', 'model.', '.model', 'model..layers', 'model.layers[x]', '[1].units', 'model layers'])('refuse %j with a message', (p) => {
    expect(() => parseSpecPath(p)).toThrow(/spec path|missing|ends with|must follow/);
  });
});

describe('the sweep spec', () => {
  it('takes the issue\'s example as written, and has a JSON Schema', () => {
    expect(firstIssue(issueExample)).toBeNull();
    const v = validateSweep({ ...issueExample, goal: undefined, metric: 'val_accuracy' }, digits);
    expect(v.ok && v.sweep.goal).toBe('maximize'); // the goal follows the metric
    expect(JSON.stringify(sweepJsonSchema())).toContain('log_uniform');
  });

  it.each([
    [{ parameters: { 'model.layers[9].units': { values: [8] } } }, /parameters\.model\.layers\[9\]\.units: no such field in the base spec/],
    [{ parameters: { 'training.optimizer.learningRat': { values: [0.1] } } }, /no such field in the run spec/],
    [{ parameters: { 'training.optimizer.learningRate': { log_uniform: [0, 0.1] } } }, /0 < low < high/],
    [{ parameters: { 'model.layers[1].units': { int_uniform: [8, 4] } } }, /low <= high/],
    [{ parameters: { 'model.layers[1].units': { values: [64, -1] } } }, /-1 does not give a valid run spec \(model\.layers\[1\]\.units/],
    [{ parameters: { 'training.earlyStopping.patience': { values: [1, 2] } } }, null],
    [{ base: 'x', parameters: { 'training.clip.globalNorm': { values: [1] } } }, null],
    [{ method: 'grid', trials: undefined, asha: undefined, parameters: { 'training.optimizer.learningRate': { uniform: [0.001, 0.1] } } }, /a grid needs a list of values/],
    [{ method: 'grid', trials: 5, asha: undefined, parameters: { 'model.layers[1].units': { values: [1, 2] } } }, /trials: 5 trials, but the grid has 2/],
    [{ method: 'random', trials: undefined, asha: undefined }, /trials: random draws configurations/],
    [{ method: 'random' }, /asha: only for method asha/],
    [{ asha: { minEpochs: 5, maxEpochs: 3 } }, /asha\.maxEpochs: 3 is below minEpochs/],
    [{ parameters: { 'training.epochs': { values: [2, 3] } } }, /successive halving sets the epochs itself/],
    [{ parameters: { name: { values: ['a'] } } }, /each trial is named by the sweep/],
    [{ parameters: { 'model.layers[1].units': { values: [1], labels: ['a', 'b'] } } }, /labels: 2 labels for 1 values/],
  ])('refuses what it must, in one line naming the field (%#)', (over, expected) => {
    const got = firstIssue({ ...issueExample, ...over });
    if (expected === null) expect(got).toBeNull();
    else expect(got).toMatch(expected);
  });

  it('refuses a field inside a section the base does not set: it would switch the section on in every trial', () => {
    const base = { ...digits, training: { ...digits.training, earlyStopping: undefined } };
    expect(firstIssue({ ...issueExample, parameters: { 'training.earlyStopping.patience': { values: [1] } } }, base))
      .toMatch(/training\.earlyStopping is not set in the base spec: setting training\.earlyStopping\.patience would switch it on/);
  });

  it('refuses a val_ metric without a validation split, and an accuracy the base does not measure', () => {
    const noVal = { ...digits, data: { ...digits.data, validation: 0 }, training: { ...digits.training, earlyStopping: undefined, checkpoint: undefined } };
    expect(firstIssue(issueExample, noVal)).toMatch(/metric: val_loss needs a validation split/);
    expect(firstIssue({ ...issueExample, metric: 'train_accuracy' }, { ...digits, training: { ...digits.training, metrics: ['mae'], checkpoint: undefined } })).toMatch(/metric: train_accuracy: the base spec does not measure accuracy/);
  });

  it('refuses a parameter value that takes away what the metric is measured on', () => {
    const plain = { ...digits, training: { ...digits.training, earlyStopping: undefined, checkpoint: undefined } };
    const grid = { ...issueExample, method: 'grid', trials: undefined, asha: undefined };
    expect(firstIssue({ ...grid, parameters: { 'data.validation': { values: [0.2, 0] } } }, plain))
      .toMatch(/parameters\.data\.validation: 0 leaves no validation split \(data\.validation 0\), and the sweep's metric is val_loss/);
    expect(firstIssue({ ...grid, metric: 'val_accuracy', parameters: { 'training.metrics': { values: [['accuracy'], ['mae']] } } }, plain))
      .toMatch(/parameters\.training\.metrics: \["mae"\] stops measuring accuracy/);
    expect(firstIssue({ ...grid, parameters: { 'data.validation': { values: [0.1, 0.2] } } }, plain)).toBeNull();
  });

  it('applies a configuration to the base: values set, defaults filled in, the trial\'s own name', () => {
    const s = applyConfig(digits, { 'training.optimizer': { type: 'sgd' }, 'model.layers[1].units': 32 }, 'sw-t001');
    expect(s.name).toBe('sw-t001');
    expect(s.training.optimizer).toEqual({ type: 'sgd', learningRate: 0.01 });
    expect(s.model.layers[1]).toMatchObject({ type: 'dense', units: 32 });
  });
});

describe('configurations', () => {
  const grid = { method: 'grid' as const, seed: 1, trials: 6, parameters: { a: { values: [1, 2, 3] }, b: { values: ['x', 'y'] } } };
  it('a grid: every combination, the last parameter fastest, cut to trials', () => {
    expect(gridSize(grid.parameters)).toBe(6);
    expect(sampleConfigs(grid).map((c) => `${c.a}${c.b}`)).toEqual(['1x', '1y', '2x', '2y', '3x', '3y']);
    expect(sampleConfigs({ ...grid, trials: 2 })).toHaveLength(2);
  });

  it('random draws: repeatable by seed, inside their ranges, log-uniform spread over decades, integers inclusive', () => {
    const s = { method: 'random' as const, seed: 5, trials: 400, parameters: { lr: { log_uniform: [1e-4, 1e-1] as [number, number] }, n: { int_uniform: [2, 4] as [number, number] }, u: { uniform: [-1, 1] as [number, number] } } };
    const a = sampleConfigs(s), b = sampleConfigs(s), c = sampleConfigs({ ...s, seed: 6 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const lr = a.map((x) => x.lr as number);
    expect(Math.min(...lr)).toBeGreaterThanOrEqual(1e-4);
    expect(Math.max(...lr)).toBeLessThanOrEqual(1e-1);
    const decades = [0, 1, 2].map((d) => lr.filter((v) => v >= 10 ** (-4 + d) && v < 10 ** (-3 + d)).length);
    for (const n of decades) expect(n).toBeGreaterThan(80); // about a third each, not 90% in the top decade
    expect(new Set(a.map((x) => x.n))).toEqual(new Set([2, 3, 4]));
  });

  it('random over lists that fit: each combination once (a shuffled grid)', () => {
    const got = sampleConfigs({ ...grid, method: 'random', trials: 6 }).map((c) => `${c.a}${c.b}`);
    expect(new Set(got).size).toBe(6);
    expect(got).not.toEqual(['1x', '1y', '2x', '2y', '3x', '3y']);
  });

  it('labels stand for their values', () => {
    expect(valueLabel({ values: [[1], [2]], labels: ['one', 'two'] }, [2])).toBe('two');
    expect(valueLabel({ values: [1] }, 1)).toBeNull();
  });
});

describe('the sweep log', () => {
  const lines = [
    { t: 1, type: 'sweep-start', sweep: { name: 's' }, base: { name: 'b' }, configs: [{ a: 1 }, { a: 2 }, { a: 3 }] },
    { t: 2, type: 'trial-started', trial: 't001', params: { a: 1 }, runDir: 'trials/x', attempt: 1 },
    { t: 3, type: 'rung', trial: 't001', rung: 0, epoch: 1, metric: 0.5 },
    { t: 4, type: 'trial-finished', trial: 't001', status: 'completed', metric: 0.4, epochs: 3, runDir: 'trials/x' },
    { t: 5, type: 'trial-started', trial: 't002', params: { a: 2 }, runDir: 'trials/y', attempt: 1 },
    { t: 6, type: 'rung', trial: 't002', rung: 0, epoch: 1, metric: null },
  ].map((r) => JSON.stringify(r)).join('\n');

  it('reads back a resume state: finished trials kept, started ones rerun, every rung result, the base it started with', () => {
    const { records, skipped } = parseSweepLog(`${lines}\n`);
    expect(skipped).toEqual([]);
    const s = resumeState(records);
    expect([...s.finished.keys()]).toEqual(['t001']);
    expect([...s.started]).toEqual(['t001', 't002']);
    expect(s.attempts.get('t002')).toBe(1);
    expect(s.lastAttempt.get('t002')).toEqual({ attempt: 1, runDir: 'trials/y' });
    expect(s.ashaRecords).toEqual([{ trial: 't001', epoch: 1, metric: 0.5 }, { trial: 't002', epoch: 1, metric: null }]);
    expect(s.base).toEqual({ name: 'b' });
    expect(s.configs).toHaveLength(3);
  });

  it('leaves out a last line torn by a crash, and says where to cut it off', () => {
    const torn = `${lines}\n{"t":7,"type":"trial-fin`;
    expect(parseSweepLog(torn)).toEqual({ records: parseSweepLog(lines).records, skipped: [] });
    expect(parseSweepLog(torn).records).toHaveLength(6);
    expect(intactLength(torn)).toBe(lines.length + 1);
    expect(intactLength(`${lines}\n`)).toBe(lines.length + 1);
  });

  it('skips a bad line mid-log, keeps every other record, and says so in one line naming the file and the line', () => {
    const damaged = `${lines.replace('"rung","trial":"t001"', '"rung",trial:')}\n`;
    const { records, skipped } = parseSweepLog(damaged);
    expect(records.map((r) => r.t)).toEqual([1, 2, 4, 5, 6]);
    expect(skipped).toHaveLength(1);
    expect(skipped[0].line).toBe(3);
    const warning = skippedWarning('/runs/s/sweep.jsonl', skipped)!;
    expect(warning).toMatch(/^\/runs\/s\/sweep\.jsonl:3: unreadable record skipped \(.*JSON.*\)$/);
    expect(warning.split('\n')).toHaveLength(1);
    // the rest still resumes: t001 finished, t002 runs again
    expect([...resumeState(records).finished.keys()]).toEqual(['t001']);
    // JSON that is not a record is skipped too; several bad lines are still one line
    const two = parseSweepLog(`${damaged}42\n{"t":8,"type":"sweep-end","best":null}\n`);
    expect(two.skipped.map((x) => x.line)).toEqual([3, 7]);
    expect(skippedWarning('sweep.jsonl', two.skipped)).toMatch(/^sweep\.jsonl:3: unreadable record skipped \(.*\); 1 more at line 7$/);
    expect(skippedWarning('sweep.jsonl', [])).toBeNull();
    // a record missing what is read from it is unreadable too
    const hand = parseSweepLog(`${lines.replace('"attempt":1}', '"attempt":"one"}')}\n`);
    expect(hand.skipped).toEqual([{ line: 2, error: expect.stringMatching(/^trial-started record: attempt: /) }]);
  });

  it('a damaged sweep-start cannot be skipped (the configurations are gone): the error names its line', () => {
    const { records, skipped } = parseSweepLog(`${lines.replace('"sweep-start"', 'sweep-start')}\n`);
    expect(() => resumeState(records)).toThrow(/no sweep-start record/);
    expect(missingStart(skipped)).toMatch(/^has no readable sweep-start record \(line 1: .+\)$/);
    expect(missingStart([])).toBe('has no sweep-start record');
  });

  it('numbers a trial\'s attempts: each start is the next one, a resume goes on from the last (also in a log that numbered every retry 1)', () => {
    const retried = [
      lines,
      { t: 7, type: 'attempt-superseded', trial: 't002', attempt: 1, runDir: 'trials/y', epochs: 0, by: 2, removed: true },
      { t: 8, type: 'trial-started', trial: 't002', params: { a: 2 }, runDir: 'trials/y2', attempt: 2 },
    ].map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n');
    const s = resumeState(parseSweepLog(retried).records);
    expect(s.attempts.get('t002')).toBe(2);
    expect(s.lastAttempt.get('t002')).toEqual({ attempt: 2, runDir: 'trials/y2' });
    expect(s.attempts.get('t001')).toBe(1);
    // written before retries were counted: the queue's retry said 1 again
    const old = `${lines}\n${JSON.stringify({ t: 8, type: 'trial-started', trial: 't002', params: { a: 2 }, runDir: 'trials/y2', attempt: 1 })}`;
    expect(resumeState(parseSweepLog(old).records).attempts.get('t002')).toBe(2);
  });
});

describe('parameter importance', () => {
  // 60 trials: the learning rate decides the loss (higher is better here); `noise` and `act` are drawn independently
  const rand = mulberry32(7);
  const trials = Array.from({ length: 60 }, (_, i) => {
    const lr = 10 ** (-4 + (3 * i) / 59);
    return { params: { lr, noise: rand(), act: ['relu', 'tanh', 'elu'][Math.floor(rand() * 3)] }, metric: 1 - Math.log10(lr) / 4 + 0.01 * rand() };
  });
  const r = parameterImportance([...trials, { params: { lr: 1, noise: 0, act: 'relu' }, metric: NaN }, { params: { lr: 2, noise: 0, act: 'tanh' }, metric: null }], 'minimize');
  const by = Object.fromEntries(r.parameters.map((p) => [p.path, p]));

  it('ranks the parameter that decides the metric first, and the noise near zero', () => {
    expect(r.used).toBe(60);
    expect(r.parameters[0].path).toBe('lr');
    expect(by.lr.spearman!).toBeLessThan(-0.95);
    expect(by.lr.direction).toBe('larger is better');
    expect(by.lr.varianceExplainedAdjusted).toBeGreaterThan(0.8);
    expect(by.noise.varianceExplainedAdjusted).toBeLessThan(0.15);
    expect(by.act.spearman).toBeNull();
    expect(by.act.varianceExplainedAdjusted).toBeLessThan(0.15);
  });

  it('ranks ties by their average rank', () => {
    expect(ranks([3, 1, 3, 2])).toEqual([3.5, 1, 3.5, 2]);
  });
});

describe('what the review found', () => {
  it('a uniform range on a whole-number field is refused (both ends pass, the draws would not)', () => {
    expect(firstIssue({ ...issueExample, parameters: { 'model.layers[1].units': { uniform: [4, 8] } } })).toMatch(/for a whole-number field use int_uniform/);
  });

  it('a misspelled field is an unknown field, not a missing section', () => {
    expect(firstIssue({ ...issueExample, parameters: { 'training.optimiser.learningRate': { values: [0.1] } } })).toMatch(/no such field in the run spec/);
  });

  it('a huge grid is refused without trials, and never built: the first combinations are computed one by one', () => {
    const many = { a: { values: Array.from({ length: 1000 }, (_, i) => i) }, b: { values: Array.from({ length: 100 }, (_, i) => i) } };
    expect(firstIssue({ ...issueExample, method: 'grid', trials: undefined, asha: undefined, parameters: { 'model.layers[1].units': many.a.values.length ? { values: many.a.values.map((v) => v + 1) } : many.a, seed: { values: many.b.values } } })).toMatch(/the grid has 100,000 combinations/);
    const first = sampleConfigs({ method: 'grid', seed: 1, trials: 3, parameters: many });
    expect(first).toEqual([{ a: 0, b: 0 }, { a: 0, b: 1 }, { a: 0, b: 2 }]);
    const drawn = sampleConfigs({ method: 'random', seed: 1, trials: 5, parameters: { ...many, c: { values: Array.from({ length: 1000 }, (_, i) => i) } } });
    expect(drawn).toHaveLength(5);
  });
});
