// Named datasets through the CLI as a user runs it: a preset that names fashion-mnist trains with
// TRAINSCOPE_DATA pointing at a folder of real IDX files; a dataset that is nowhere is one line
// and exit 2; doctor says where each known dataset was found, or where it was looked for.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmp } from '../helpers.ts';
import { datasetRoot } from '../engine/data/dataset-folders.ts';

const ROOT = join(__dirname, '../..');
const BIN = join(ROOT, 'bin/trainscope.mjs');

/** The CLI with TRAINSCOPE_DATA and a home folder of the test's own: a developer's data never answers for the test's. */
function cli(env: { data: string; home: string }, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, TRAINSCOPE_DATA: env.data, HOME: env.home } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('a spec naming its dataset', () => {
  it('the Fashion-MNIST MLP preset trains for one epoch end to end with its data found through TRAINSCOPE_DATA', () => {
    const data = datasetRoot(), home = tmp(), out = tmp();
    const preset = JSON.parse(readFileSync(join(ROOT, 'assets/specs/fashion-mnist-mlp.json'), 'utf8'));
    expect(preset.data.train).toEqual({ type: 'dataset', name: 'fashion-mnist', split: 'train' });
    expect(preset.data.test).toEqual({ type: 'dataset', name: 'fashion-mnist', split: 'test' });
    const file = join(tmp(), 'fashion-mnist-mlp.json');
    // (one epoch on 600 of the samples: the cpu backend is slow, and the point is where the data came from)
    writeFileSync(file, JSON.stringify({ ...preset, data: { ...preset.data, limit: 600 }, training: { ...preset.training, epochs: 1 } }));
    const r = cli({ data, home }, 'train', file, '--out', out, '--backend', 'cpu');
    expect(r.err).not.toMatch(/internal error/);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/after 1 epoch\(s\).*test accuracy 0\.\d+/);
    const events = readFileSync(join(r.out.trim(), 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const start = events.find((e) => e.type === 'run-start');
    // the committed subset's 2,000 images stand in for each split; 10% of the 600 kept are held out for validation
    expect(start.data).toMatchObject({ train: 540, validation: 60, test: 2000, classes: 10, source: `fashion-mnist train (${join(data, 'fashion-mnist')})` });
    expect(start.data.classNames).toEqual(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'completed' });
  });

  it('a dataset found nowhere: exit 2, one line naming the spec, the field, the folders searched and how to get it; no run folder', () => {
    const data = tmp(), home = tmp(), out = join(tmp(), 'runs');
    const file = join(tmp(), 'cnn.json');
    const preset = JSON.parse(readFileSync(join(ROOT, 'assets/specs/fashion-mnist-cnn.json'), 'utf8'));
    writeFileSync(file, JSON.stringify({ ...preset, data: { ...preset.data, train: { type: 'dataset', name: 'mnist', split: 'train' }, test: 0 } }));
    const r = cli({ data, home }, 'train', file, '--out', out, '--backend', 'cpu');
    expect(r.code).toBe(2);
    // (no Debian package installs MNIST: /usr/share/datasets/mnist is on the path but never there)
    expect(r.err).toBe(`trainscope: ${file}: data.train: dataset "mnist" not found (searched ${join(data, 'mnist')}, ${join(home, '.trainscope/data/mnist')}, /usr/share/datasets/mnist): ` +
      'put its four files train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each may be .gz) in one of those folders, or in <dir>/mnist with <dir> in TRAINSCOPE_DATA\n');
    expect(existsSync(out)).toBe(false);
  });
});

describe('trainscope doctor', () => {
  it('lists every known dataset with the folder it was found in, or the folders searched', () => {
    const data = datasetRoot(), home = tmp();
    datasetRoot({ root: join(home, '.trainscope', 'data') }); // found too, but after TRAINSCOPE_DATA
    const j = cli({ data, home }, 'doctor', '--json');
    expect(j.code).toBe(0);
    expect(JSON.parse(j.out).datasets).toEqual([
      { name: 'fashion-mnist', found: join(data, 'fashion-mnist'), from: 'TRAINSCOPE_DATA', searched: [join(data, 'fashion-mnist')] },
      { name: 'mnist', found: null, from: null, searched: [join(data, 'mnist'), join(home, '.trainscope/data/mnist'), '/usr/share/datasets/mnist'] },
    ]);
    const t = cli({ data, home }, 'doctor');
    expect(t.code).toBe(0);
    expect(t.out.trim().split('\n').slice(-3)).toEqual([
      `datasets (each in a folder of its name in: ${data}, ${join(home, '.trainscope/data')}, /usr/share/datasets):`,
      `ok   fashion-mnist ${join(data, 'fashion-mnist')}`,
      `no   mnist         not in ${join(data, 'mnist')}, ${join(home, '.trainscope/data/mnist')}, /usr/share/datasets/mnist (put its four IDX files in one of these folders)`,
    ]);
  });
});
