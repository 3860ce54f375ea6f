// The CLI as a user runs it: a child process, its exit code, stdout and stderr.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmp } from '../helpers.ts';

const BIN = join(__dirname, '../../bin/trainscope.mjs');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function specFile(obj: unknown): string {
  const f = join(tmp(), 'spec.json');
  writeFileSync(f, typeof obj === 'string' ? obj : JSON.stringify(obj));
  return f;
}

const tiny = {
  name: 'cli-tiny',
  data: { train: { type: 'synthetic', name: 'circles', samples: 200 }, validation: 0.2, test: 0.2 },
  model: { layers: [{ type: 'dense', units: 8, activation: 'relu' }, { type: 'dense', units: 2, activation: 'softmax' }] },
  training: { epochs: 2, batchSize: 20, checkpoint: { monitor: 'val_loss' } },
  instruments: { every: 3 },
};

describe('trainscope CLI', () => {
  it('train writes a run folder that inspect --json summarises', () => {
    const out = tmp();
    const r = cli('train', specFile(tiny), '--out', out, '--backend', 'cpu');
    expect(r.err).toContain('training cli-tiny on cpu');
    expect(r.err).toMatch(/epoch 2\/2 +loss/);
    expect(r.code).toBe(0);
    const runDir = r.out.trim();
    expect(readdirSync(out)).toEqual([runDir.split('/').pop()]);
    expect(readdirSync(runDir).sort()).toEqual(['checkpoints', 'events.jsonl', 'predictions', 'samples', 'spec.json']);
    expect(readdirSync(join(runDir, 'predictions')).sort()).toEqual(['test-e0000.f32', 'test-e0001.f32', 'validation-e0000.f32', 'validation-e0001.f32']);
    const i = cli('inspect', runDir, '--json');
    expect(i.code).toBe(0);
    const s = JSON.parse(i.out);
    expect(s).toMatchObject({ status: 'completed', backend: 'cpu', epochs: 2, steps: 12, layers: ['dense_1', 'dense_2'], collections: 4 });
    for (const k of ['train_loss', 'train_accuracy', 'val_loss', 'val_accuracy', 'test_loss', 'test_accuracy']) expect(typeof s.final[k]).toBe('number');
    const text = cli('inspect', runDir);
    expect(text.out).toMatch(/status +completed/);
    // 12 steps of a small model: findings are possible (underfitting), each in the documented shape
    for (const f of s.findings) expect(Object.keys(f).sort()).toEqual(['kind', 'layers', 'severity', 'step', 'title']);
    expect(Object.keys(s.diagnosis).sort()).toEqual(['cause', 'groups']);
  });

  it('inspect --json lists the diagnosis of a broken run: the cause with its chain, and the grouped findings', () => {
    const out = tmp();
    const broken = { ...tiny, name: 'cli-broken', model: { layers: [{ type: 'dense', units: 8, activation: 'tanh', kernelInitializer: 'he_uniform' }, { type: 'dense', units: 2, activation: 'softmax' }] }, training: { epochs: 1, batchSize: 20 } };
    const r = cli('train', specFile(broken), '--out', out, '--backend', 'cpu');
    expect(r.code).toBe(0);
    const s = JSON.parse(cli('inspect', r.out.trim(), '--json').out);
    expect(s.findings).toContainEqual({ kind: 'init_mismatched_initializer', severity: 'warning', layers: ['dense_1'], step: -1, title: 'dense_1: he_uniform initialisation for tanh units' });
    expect(s.diagnosis.cause).toMatchObject({ kind: 'bad_init_scale', chain: ['bad_init_scale'], layers: ['dense_1'], step: -1, title: 'The initial weights have the wrong scale' });
    expect(s.diagnosis.cause.confidence).toBeGreaterThan(0);
    expect(s.diagnosis.groups).toContainEqual({ kind: 'init_mismatched_initializer', severity: 'warning', layers: ['dense_1'], step: -1, title: 'dense_1: he_uniform initialisation for tanh units', explainedBy: 'bad_init_scale' });
    const text = cli('inspect', r.out.trim()).out;
    expect(text).toMatch(/cause +The initial weights have the wrong scale \(bad_init_scale, confidence \d+%\)/);
    expect(text).toMatch(/explains +dense_1: he_uniform initialisation for tanh units/);
  });

  it('a classification run at a diverging learning rate ends diverged, exit 1, and inspect names the cause', () => {
    const out = tmp();
    const r = cli('train', join(__dirname, '../fixtures/diagnosis/hidden-softmax-lr1e3.json'), '--out', out, '--backend', 'cpu');
    expect(r.code).toBe(1);
    const s = JSON.parse(cli('inspect', r.out.trim(), '--json').out);
    expect(s.status).toBe('diverged');
    expect(s.reason).toMatch(/update .*x the size of/);
    expect(s.diagnosis.cause.kind).toBe('lr_too_high');
  });

  it('bad input: one line naming the file, the field and the problem; exit 2; no run folder', () => {
    const out = tmp();
    const cases: [string, RegExp][] = [
      [specFile('{ "data": '), /spec\.json: not valid JSON/],
      [specFile({ ...tiny, model: { layers: [{ type: 'dense', units: -4 }] } }), /spec\.json: model\.layers\[0\]\.units: Too small/],
      [specFile({ ...tiny, model: { layers: [{ type: 'dense', units: 5, activation: 'softmax' }] } }), /model\.layers\[0\]\.units: the output has 5 units but the data has 2 classes/],
      [specFile({ ...tiny, data: { train: { type: 'idx', images: '/nonexistent/images.gz', labels: '/nonexistent/labels.gz' } } }), /\/nonexistent\/images\.gz: file not found/],
      [join(out, 'missing.json'), /missing\.json: file not found/],
    ];
    for (const [file, message] of cases) {
      const r = cli('train', file, '--out', out, '--backend', 'cpu');
      expect(r.code, r.err).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
    expect(readdirSync(out).filter((f) => !f.endsWith('.json'))).toEqual([]);
    const unknown = cli('train', specFile(tiny), '--backend', 'tpu');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/--backend: unknown backend "tpu"/);
    expect(cli('frobnicate').code).toBe(2);
    expect(cli('inspect', out).err).toMatch(/not a run folder/);
  });

  it('schema prints the JSON Schema; doctor explains the backends', () => {
    const schema = JSON.parse(cli('schema').out);
    expect(schema.properties.training).toBeDefined();
    const d = JSON.parse(cli('doctor', '--json').out);
    expect(d.backends.map((b: { name: string }) => b.name)).toEqual(['node-gpu', 'node', 'wasm', 'cpu']);
    expect(d.backends.find((b: { name: string }) => b.name === 'cpu').ok).toBe(true);
    for (const b of d.backends) if (!b.ok) expect(b.reason).toBeTruthy();
    expect(d.wasm).toMatchObject({ simd: expect.any(Boolean), threads: expect.any(Boolean) });
  });
});
