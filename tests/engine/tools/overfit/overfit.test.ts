// The overfit check passes on the example specs and fails, with the right reason, on specs broken
// in each way it knows (tests/fixtures/broken, one spec per reason).
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { overfitCheck } from '../../../../main/engine/tools/overfit/check.ts';
import { loadSpecFile } from '../../../../main/cli/spec-file.ts';
import { spec as makeSpec } from '../../../helpers.ts';
import { datasetRoot } from '../../data/dataset-folders.ts';

const ROOT = join(__dirname, '../../../..');
const BROKEN = join(ROOT, 'tests/fixtures/broken');
const expected = JSON.parse(readFileSync(join(BROKEN, 'expected-reasons.json'), 'utf8')) as Record<string, string>;

describe('overfit check on the example specs', () => {
  it.each(['digits-mlp', 'spirals-deep-tanh', 'fashion-mnist-mlp', 'fashion-mnist-cnn'])('%s fits one batch', async (name) => {
    const loaded = loadSpecFile(join(ROOT, 'assets/specs', `${name}.json`));
    const { baseDir, spec } = loaded;
    // (the Fashion-MNIST specs name their dataset; a host folder holding the committed subset under
    // the published names answers for it on any machine, before ~/.trainscope/data and the Debian package)
    const r = await overfitCheck(spec, baseDir, { backend: 'wasm', dataDirs: [datasetRoot()] });
    expect(r.reason).toBeNull();
    expect(r.passed).toBe(true);
    expect(r.finalAccuracy).toBe(1);
    expect(r.finalLoss).toBeLessThan(spec.overfit.lossThreshold);
    expect(r.samples).toBe(spec.training.batchSize);
    expect(r.initialLossOk).toBe(true);
    expect(r.expectedInitialLoss).toBeCloseTo(Math.log(spec.model.layers.at(-1)!.type === 'dense' ? (spec.model.layers.at(-1) as { units: number }).units : 0), 10);
  });
});

describe('overfit check on broken specs', () => {
  const files = readdirSync(BROKEN).filter((f) => f.endsWith('.json') && f !== 'expected-reasons.json');
  it('has one broken spec per failure reason', () => {
    expect(new Set(Object.values(expected))).toEqual(new Set([
      'lr_too_high', 'lr_too_low', 'dead_units', 'saturated_units', 'frozen_layers',
      'inputs_labels_misaligned', 'output_loss_mismatch', 'too_few_parameters',
    ]));
    expect(files.map((f) => f.replace(/\.json$/, '')).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s fails with reason %s, and says why', async (name, reason) => {
    const { spec, baseDir } = loadSpecFile(join(BROKEN, `${name}.json`));
    const r = await overfitCheck(spec, baseDir, { backend: 'cpu' });
    expect(r.passed).toBe(false);
    expect(r.reason).toBe(reason);
    expect(r.explanation).toBeTruthy();
    expect(r.evidence.length).toBeGreaterThan(0);
  });

  it('reports an initial loss far from -log(1/K)', async () => {
    const s = makeSpec({
      data: { train: { type: 'synthetic', name: 'blobs', samples: 200, classes: 5, features: 4 } },
      model: { layers: [{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 5, activation: 'softmax', kernelInitializer: { type: 'random_normal', stddev: 20 } }] },
      overfit: { maxSteps: 50 },
    });
    const r = await overfitCheck(s, '.', { backend: 'cpu' });
    expect(r.expectedInitialLoss).toBeCloseTo(Math.log(5), 10);
    expect(r.initialLoss).toBeGreaterThan(2 * Math.log(5));
    expect(r.initialLossOk).toBe(false);
    expect(r.evidence.some((e) => /initial loss .* expected about 1\.6094/.test(e))).toBe(true);
  });
});

describe('trainscope overfit', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/trainscope.mjs'), 'overfit', ...args], { encoding: 'utf8', timeout: 120_000 });
  it('--json: one object with the verdict; exit 0 on pass, 1 on fail, 2 on bad input', () => {
    const pass = cli(join(ROOT, 'assets/specs/spirals-deep-tanh.json'), '--json', '--backend', 'cpu');
    expect(pass.status).toBe(0);
    const j = JSON.parse(pass.stdout);
    for (const k of ['passed', 'reason', 'finalLoss', 'finalAccuracy', 'steps', 'initialLoss', 'expectedInitialLoss']) expect(j).toHaveProperty(k);
    expect(j).toMatchObject({ tool: 'overfit', v: 2, passed: true });
    const fail = cli(join(BROKEN, 'lr-too-low.json'), '--json', '--backend', 'cpu', '--steps', '100');
    expect(fail.status).toBe(1);
    expect(JSON.parse(fail.stdout)).toMatchObject({ passed: false, reason: 'lr_too_low', steps: 100 });
    const bad = cli(join(BROKEN, 'nope.json'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/nope\.json: file not found/);
    const many = cli(join(BROKEN, 'lr-too-low.json'), '--steps', 'many');
    expect([many.status, many.stderr.trim()]).toEqual([2, expect.stringMatching(/^trainscope: --steps: "many": .*number/)]);
    const stray = cli(join(BROKEN, 'lr-too-low.json'), '--draws', '3');
    expect([stray.status, stray.stderr.trim()]).toEqual([2, 'trainscope: --draws: is not an option of overfit (its options: --samples, --steps)']);
  });
});
