// The range test on real training (cpu backend): on the bundled digits, the loss first falls and
// then blows up; the suggestion lies below the blow-up; and the claim the tool makes holds: a short
// training at the suggested rate lowers the loss more than one at a hundredth of it, and does not
// blow up as one at the divergence rate does.
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import type { RunSpec } from '../../../../shared/spec.ts';
import { lrFindTool, type LrFindResult } from '../../../../shared/tools/lr-find/definition.ts';
import { lrFind } from '../../../../main/engine/tools/lr-find/lr-find.ts';
import { lrFindEngineTool } from '../../../../main/engine/tools/lr-find/tool.ts';
import { analyzeRange } from '../../../../main/engine/tools/lr-find/analyze.ts';
import { Trainer } from '../../../../main/engine/train/trainer.ts';
import { evaluate } from '../../../../main/engine/train/evaluate.ts';
import { lrFindChart } from '../../../../renderer/src/tools/lr-find/chart.ts';
import { spec, tinySpec, useBackend } from '../../../helpers.ts';

const ROOT = join(__dirname, '../../../..');

/** An MLP on 2,500 of the bundled MNIST digits: big enough to blow up, small enough for seconds on cpu. */
const digits = (optimizer: RunSpec['training']['optimizer']['type'], learningRate: number, epochs = 3) => spec({
  name: 'digits-small', seed: 1,
  data: { train: { type: 'mnist-digits' }, limit: 2500, validation: 0.2, test: 0, normalize: 'scale' },
  model: { layers: [{ type: 'flatten' }, { type: 'dense', units: 64, activation: 'relu', kernelInitializer: 'he_normal' }, { type: 'dense', units: 10, activation: 'softmax' }] },
  training: { epochs, batchSize: 64, optimizer: { type: optimizer, learningRate } as RunSpec['training']['optimizer'] },
});

/** A short ordinary training (3 epochs, 96 steps) at `lr`: the training loss before and after (NaN if it diverged). */
async function shortTraining(optimizer: 'sgd' | 'adam', lr: number) {
  const s = digits(optimizer, lr);
  const t = new Trainer({ spec: s, baseDir: ROOT, backend: 'cpu', instruments: false });
  await t.prepare();
  const before = (await evaluate(t.built.model, t.data.train, s))!.loss;
  const end = await t.run();
  const after = end.status === 'diverged' ? NaN : (await evaluate(t.built.model, t.data.train, s))!.loss;
  t.built.model.dispose();
  return { before, after };
}

const finite = (v: number) => Number.isFinite(v);

describe('range test with SGD on digits', () => {
  let r: LrFindResult;
  beforeAll(async () => { r = await lrFind(digits('sgd', 0.01), ROOT, { backend: 'cpu' }); });

  it('the loss first falls, then blows up: the test stops there', () => {
    expect(r.optimizer).toBe('sgd');
    expect(r.diverged).not.toBeNull();
    expect(r.stoppedEarly).toBe(true);
    expect(r.steps).toBe(r.diverged!.step + 1);
    expect(r.lrs).toHaveLength(r.steps);
    expect(r.losses).toHaveLength(r.steps);
    const start = r.smoothed[0];
    expect(r.minimum.loss).toBeLessThan(0.85 * start);
    // the last losses are far above the minimum (or not finite)
    const last = r.losses[r.losses.length - 1];
    expect(!finite(last) || last > 2 * r.minimum.loss).toBe(true);
  });

  it('the suggestion lies on the falling part: below the minimum, below the divergence point', () => {
    expect(r.suggested).not.toBeNull();
    expect(r.suggested).toBe(r.steepest.lr);
    expect(r.suggested!).toBeLessThan(r.minimum.lr);
    expect(r.minimum.lr).toBeLessThan(r.diverged!.lr);
    expect(r.suggested!).toBeLessThan(r.diverged!.lr / 5);
    expect(r.steepest.loss).toBeLessThan(r.smoothed[0]);
    expect(r.steepest.loss).toBeGreaterThan(r.minimum.loss);
    expect(r.notes.some((n) => /a tenth of the minimum's rate, gives/.test(n))).toBe(true);
  });

  it('the claim: training at the suggestion beats a hundredth of it, and does not blow up as training at the divergence rate does', async () => {
    const atSuggested = await shortTraining('sgd', r.suggested!);
    const atHundredth = await shortTraining('sgd', r.suggested! / 100);
    const atDiverged = await shortTraining('sgd', r.diverged!.lr);
    console.info(`sgd: suggested ${r.suggested} -> ${atSuggested.after}; /100 -> ${atHundredth.after}; divergence ${r.diverged!.lr} -> ${atDiverged.after} (from ${atSuggested.before})`);
    expect(atSuggested.after).toBeLessThan(0.5 * atSuggested.before);
    expect(atSuggested.before - atSuggested.after).toBeGreaterThan(2 * (atHundredth.before - atHundredth.after));
    expect(atSuggested.after).toBeLessThan(atHundredth.after);
    // blown up: the loss ends worse than it started (or not finite), and far worse than at the suggestion
    expect(!finite(atDiverged.after) || atDiverged.after > atDiverged.before).toBe(true);
    expect(!finite(atDiverged.after) || atDiverged.after > 5 * atSuggested.after).toBe(true);
  });

  it("the verdicts on this curve: the spec's 0.01 is sane, a hundredth of the suggestion too low, the divergence rate diverges", () => {
    expect(r.specLr).toBe(0.01);
    expect(r.specLrStatus).toBe('ok');
    const as = (specLr: number) => analyzeRange({ lrs: r.lrs, losses: r.losses, divergedAt: r.diverged!.step, specLr });
    expect(as(0.01).verdict).toBe(r.verdict);
    // the rates trained above: what the tool would have said of each
    expect(as(r.suggested!).specLrStatus).toBe('ok');
    expect(as(r.suggested! / 100).specLrStatus).toBe('low');
    expect(as(r.diverged!.lr).specLrStatus).toBe('diverges');
  });
});

describe('range test with Adam on digits', () => {
  it('suggests a rate in the usual range for Adam, below where the loss blows up', async () => {
    const r = await lrFind(digits('adam', 0.001), ROOT, { backend: 'cpu' });
    console.info(`adam: suggested ${r.suggested}, minimum ${r.minimum.lr}, diverged ${r.diverged?.lr ?? 'none'}; ${r.verdict}`);
    expect(r.optimizer).toBe('adam');
    expect(r.suggested).not.toBeNull();
    expect(r.suggested!).toBeGreaterThan(1e-4);
    expect(r.suggested!).toBeLessThan(1e-1);
    if (r.diverged) expect(r.suggested!).toBeLessThan(r.diverged.lr);
    expect(r.specLrStatus).toBe('ok');
    expect(r.verdict).toMatch(/within the sane band/);
  });
});

describe('the run itself', () => {
  it('leaves no tensors behind, reports progress per step, and returns what the result schema accepts', async () => {
    await useBackend('cpu');
    const s = tinySpec({ training: { batchSize: 32, optimizer: { type: 'momentum', learningRate: 0.01, momentum: 0.9 }, clip: { globalNorm: 1 } } });
    await lrFind(s, ROOT, { backend: 'cpu', steps: 20 }); // warm-up: kernels and backend state that stay by design
    const before = tf.memory().numTensors;
    const progress: { done: number; total: number; note?: string }[] = [];
    const r = await lrFind(s, ROOT, { backend: 'cpu', steps: 40, minLr: 1e-4, maxLr: 1, onProgress: (p) => progress.push(p) });
    expect(tf.memory().numTensors).toBe(before);
    expect(progress).toHaveLength(r.steps);
    expect(progress.map((p) => p.done)).toEqual(Array.from({ length: r.steps }, (_, i) => i + 1));
    expect(progress.every((p) => p.total === 40)).toBe(true);
    expect(progress[0].note).toMatch(/^lr 1e-4 loss \d+\.\d{4}$/);
    expect(r.lrs[0]).toBeCloseTo(1e-4, 12);
    if (!r.stoppedEarly) expect(r.lrs[39]).toBeCloseTo(1, 10);
    expect(r.backend).toBe('cpu');
    expect(r.optimizer).toBe('momentum');
    const parsed = lrFindTool.result.safeParse(JSON.parse(JSON.stringify(r)));
    expect(parsed.success).toBe(true);
  });

  it('is repeatable: the same spec gives the same curve', async () => {
    const s = tinySpec({ model: { layers: [{ type: 'dense', units: 8, activation: 'relu' }, { type: 'dropout', rate: 0.3 }, { type: 'dense', units: 3, activation: 'softmax' }] } });
    const a = await lrFind(s, ROOT, { backend: 'cpu', steps: 30 });
    const b = await lrFind(s, ROOT, { backend: 'cpu', steps: 30 });
    expect(b.losses).toEqual(a.losses);
  });

  it("report: a few lines with the suggestion, the verdict and a text plot; the panel's chart has the markers", async () => {
    const r = await lrFind(tinySpec({ training: { optimizer: { type: 'sgd', learningRate: 0.01 } } }), ROOT, { backend: 'cpu', steps: 60 });
    const text = lrFindEngineTool.report(r);
    expect(text).toMatch(/^LR range test: \d+ steps with sgd on cpu/);
    expect(text).toContain(r.verdict);
    expect(text).toMatch(/\(lr, log scale; \* smoothed/);
    const c = lrFindChart(r);
    expect(c.series.map((s) => s.name)).toEqual(['loss', 'smoothed']);
    expect(Array.from(c.series[0].x)).toEqual(r.lrs.map(Math.log10));
    const labels = c.options.markers!.map((m) => m.label);
    expect(labels.some((l) => /^suggested/.test(l))).toBe(r.suggested !== null);
    expect(labels.some((l) => /^spec's lr 1e-2/.test(l))).toBe(true);
    expect(labels.some((l) => /^blew up/.test(l))).toBe(r.diverged !== null);
    if (r.suggested !== null) expect(c.options.markers!.find((m) => /^suggested/.test(m.label))!.x).toBeCloseTo(Math.log10(r.suggested), 12);
    // the blow-up is the last point: kept just inside the axis, where the chart still draws it
    const x = c.series[0].x, last = x[x.length - 1], span = last - x[0];
    if (r.diverged) {
      const m = c.options.markers!.find((k) => /^blew up/.test(k.label))!;
      expect(m.x).toBeLessThan(last);
      expect(m.x).toBeGreaterThanOrEqual(last - 0.006 * span);
    }
  });
});

describe('trainscope lr-find', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/trainscope.mjs'), 'lr-find', ...args], { encoding: 'utf8', timeout: 120_000 });
  const SPEC = join(ROOT, 'assets/specs/spirals-deep-tanh.json');

  it('--json: one object with tool, v and the result keys; exit 0', () => {
    const out = cli(SPEC, '--json', '--backend', 'cpu', '--steps', '60');
    expect(out.status, out.stderr).toBe(0);
    const lines = out.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const j = JSON.parse(lines[0]);
    expect(j).toMatchObject({ tool: 'lr-find', v: 1, optimizer: 'adam', specLr: 0.003, backend: 'cpu' });
    for (const k of ['lrs', 'losses', 'smoothed', 'suggested', 'steepest', 'minimum', 'diverged', 'specLr', 'specLrStatus', 'optimizer', 'steps', 'stoppedEarly', 'verdict', 'notes', 'backend']) expect(j).toHaveProperty(k);
    expect(j.lrs.length).toBe(j.steps);
    expect(j.steps).toBeLessThanOrEqual(60);
    expect(lrFindTool.result.safeParse(j).success).toBe(true);
  });

  it('bad options: exit 2 and one line naming the flag', () => {
    const order = cli(SPEC, '--minLr', '1', '--maxLr', '0.1');
    expect([order.status, order.stderr.trim()]).toEqual([2, 'trainscope: lr-find: --maxLr (0.1) must be at least 10x --minLr (1): the test spans decades of learning rates']);
    const onlyMax = cli(SPEC, '--maxLr', '1e-7');
    expect([onlyMax.status, onlyMax.stderr.trim()]).toEqual([2, 'trainscope: lr-find: --maxLr (1e-7) must be at least 10x --minLr (0.000001): the test spans decades of learning rates']);
    const steps = cli(SPEC, '--steps', '5');
    expect(steps.status).toBe(2);
    expect(steps.stderr.trim()).toMatch(/^trainscope: --steps: "5": .*10/);
    expect(steps.stderr.trim().split('\n')).toHaveLength(1);
    const word = cli(SPEC, '--stopFactor', 'lots');
    expect([word.status, word.stderr.trim()]).toEqual([2, expect.stringMatching(/^trainscope: --stopFactor: "lots": .*number/)]);
    const kebab = cli(SPEC, '--min-lr', '1e-5');
    expect(kebab.status).toBe(2);
    expect(kebab.stderr.trim().split('\n')).toHaveLength(1);
  });
});
