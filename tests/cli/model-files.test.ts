// `trainscope import` and `trainscope export` as a user runs them: a Keras file becomes a spec
// that trains (its weights loaded), the run exports in every format, and a broken model file or a
// bad option ends with exit 2 and one line naming the file or the option.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateSpec } from '../../shared/spec.ts';
import { writeKeras } from '../../main/engine/model-io/write-keras.ts';
import { tmp } from '../helpers.ts';

const ROOT = join(__dirname, '../..');
const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/trainscope.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, HOME: tmp() } });

/** A small Keras file: flat 784 inputs (as many Keras MNIST models take them), 16 tanh units, softmax over 10. */
async function digitsModel(dir: string): Promise<string> {
  const file = join(dir, 'digits.keras');
  let s = 1;
  const rand = (n: number) => Float32Array.from({ length: n }, () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 0.1);
  const v = validateSpec({ data: { train: { type: 'mnist-digits' } }, model: { layers: [
    { type: 'dense', name: 'hidden', units: 16, activation: 'tanh' }, { type: 'dense', name: 'probs', units: 10, activation: 'softmax' },
  ] } });
  if (!v.ok) throw new Error(v.issues[0].message);
  await writeKeras({
    inputShape: [784],
    layers: v.spec.model.layers,
    weights: {
      hidden: [{ name: 'kernel', shape: [784, 16], values: rand(784 * 16) }, { name: 'bias', shape: [16], values: rand(16) }],
      probs: [{ name: 'kernel', shape: [16, 10], values: rand(160) }, { name: 'bias', shape: [10], values: rand(10) }],
    },
  }, file);
  return file;
}

describe('trainscope import and export', () => {
  it('imports a Keras file as a spec that trains from its weights, then exports the run in every format', async () => {
    const dir = tmp();
    const model = await digitsModel(dir);
    const specFile = join(dir, 'spec.json');
    const imp = cli('import', model, '--out', specFile);
    expect(imp.status, imp.stderr).toBe(0);
    expect(imp.stdout.trim()).toBe(specFile);
    expect(imp.stderr).toMatch(/^.*digits\.keras: keras \(keras [\d.]+\), 2 layers, input \[784\], 12,730 weights$/m);
    const spec = JSON.parse(readFileSync(specFile, 'utf8'));
    expect(spec.model.import).toBe('digits.keras'); // (relative to the spec: the two move together)
    expect(spec.model.layers.map((l: { name: string }) => l.name)).toEqual(['hidden', 'probs']);
    expect(validateSpec(spec).ok).toBe(true);

    spec.training = { epochs: 1, batchSize: 128 };
    spec.data.limit = 600;
    writeFileSync(specFile, JSON.stringify(spec));
    const train = cli('train', specFile, '--out', join(dir, 'runs'), '--backend', 'cpu');
    expect(train.status, train.stderr).toBe(0);
    const runDir = train.stdout.trim();
    const events = readFileSync(join(runDir, 'events.jsonl'), 'utf8');
    // the digits are [28, 28, 1]; the model takes 784 flat values: a flatten goes in front, and says so
    expect(events).toMatch(/a flatten layer \(flatten_input\) turns the data's \[28, 28, 1\] into that/);
    expect(events).toMatch(/"weights from [^"]*digits\.keras: hidden, probs"/);

    for (const [format, file] of [['keras', '.keras'], ['h5', '.h5'], ['folded', '.folded.keras'], ['spec', '.spec.json'], ['python', '.py']] as const) {
      const out = join(dir, `exported${file}`);
      const r = cli('export', runDir, '--format', format, '--out', out);
      expect(r.status, `${format}: ${r.stderr}`).toBe(0);
      expect(r.stdout.trim()).toBe(out);
      expect(existsSync(out)).toBe(true);
    }
    const folded = cli('export', runDir, '--format', 'folded', '--out', join(dir, 'f.keras'));
    expect(folded.stderr).toMatch(/no batch normalisation to fold/);
    expect(readFileSync(join(dir, 'exported.py'), 'utf8')).toMatch(/keras\.optimizers\.Adam\(/);
    const tfjs = cli('export', runDir, '--format', 'tfjs', '--out', join(dir, 'tfjs'));
    expect(tfjs.status, tfjs.stderr).toBe(0);
    expect(existsSync(join(dir, 'tfjs', 'model.json'))).toBe(true);
    // the exported .keras imports again, with the same layers as the run (the flatten included)
    const again = cli('import', join(dir, 'exported.keras'));
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).model.layers.map((l: { name: string }) => l.name)).toEqual(['flatten_input', 'hidden', 'probs']);
  }, 120_000);

  it('a broken model file, a missing one, a bad format, a run without weights: exit 2, one line', async () => {
    const dir = tmp();
    const broken = join(dir, 'broken.keras');
    writeFileSync(broken, Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(40, 7)]));
    const cases: [string[], RegExp][] = [
      [['import', broken], /^trainscope: .*broken\.keras: /],
      [['import', join(dir, 'nope.h5')], /^trainscope: .*nope\.h5: cannot read the file \(ENOENT\)$/],
      [['export', dir, '--format', 'onnx'], /^trainscope: --format: "onnx" is not one of keras, h5, tfjs, folded, spec, python$/],
      [['export', dir], /^trainscope: --format: is required/],
      [['export', dir, '--format', 'keras'], /^trainscope: .*: not a run folder \(no events\.jsonl\)$/],
    ];
    for (const [args, message] of cases) {
      const r = cli(...args);
      expect(r.stderr, args.join(' ')).not.toMatch(/internal error|at .*\.ts:\d+/);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(message);
    }
  }, 60_000);
});
