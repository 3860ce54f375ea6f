// The data registry: where a named dataset (`{type: "dataset", name, split}`) is found, in what
// order, what a missing one says, and that plain and gzip files both count. Real files: temporary
// folders holding the committed Fashion-MNIST subset under the published names (dataset-folders.ts).
import { describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { dataRoots, datasetSplitFiles, findDataset, notFoundMessage, type DataSearchOptions } from '../../../main/engine/data/registry.ts';
import { loadSource, prepareData } from '../../../main/engine/data/load.ts';
import { InputError } from '../../../main/engine/errors.ts';
import { DATASETS } from '../../../shared/datasets.ts';
import { spec, tmp } from '../../helpers.ts';
import { datasetRoot } from './dataset-folders.ts';

/** Four places, each holding a complete fashion-mnist: the variable's, the host's, the user's (under home), the system's. */
function everywhere() {
  const env = datasetRoot(), host = datasetRoot(), home = tmp('trainscope-home-'), system = datasetRoot();
  datasetRoot({ root: join(home, '.trainscope', 'data') });
  return { env, host, home, system };
}

describe('where a named dataset is found', () => {
  it('searches TRAINSCOPE_DATA, then the host\'s folders, then ~/.trainscope/data, then the system\'s (/usr/share/datasets by default)', () => {
    expect(dataRoots({ env: {}, home: '/h' })).toEqual([
      { dir: '/h/.trainscope/data', kind: 'user' },
      { dir: '/usr/share/datasets', kind: 'system' },
    ]);
    expect(dataRoots({ env: { TRAINSCOPE_DATA: ['/a', '', '/b', '/a'].join(delimiter) }, hostDirs: ['/app/data'], home: '/h', systemDirs: ['/s'] })).toEqual([
      { dir: '/a', kind: 'TRAINSCOPE_DATA' }, { dir: '/b', kind: 'TRAINSCOPE_DATA' },
      { dir: '/app/data', kind: 'host' }, { dir: '/h/.trainscope/data', kind: 'user' }, { dir: '/s', kind: 'system' },
    ]);
  });

  it('TRAINSCOPE_DATA beats the host folder beats the user folder beats the system folder', () => {
    const p = everywhere();
    const where = (o: DataSearchOptions) => findDataset('fashion-mnist', { home: p.home, systemDirs: [p.system], ...o }).found;
    expect(where({ env: { TRAINSCOPE_DATA: p.env }, hostDirs: [p.host] })).toMatchObject({ dir: join(p.env, 'fashion-mnist'), kind: 'TRAINSCOPE_DATA' });
    expect(where({ env: {}, hostDirs: [p.host] })).toMatchObject({ dir: join(p.host, 'fashion-mnist'), kind: 'host' });
    expect(where({ env: {} })).toMatchObject({ dir: join(p.home, '.trainscope', 'data', 'fashion-mnist'), kind: 'user' });
    expect(where({ env: {}, home: tmp() })).toMatchObject({ dir: join(p.system, 'fashion-mnist'), kind: 'system' });
    // the files of each split, by their published names
    expect(where({ env: { TRAINSCOPE_DATA: p.env } })!.files).toEqual({
      train: { images: join(p.env, 'fashion-mnist', 'train-images-idx3-ubyte.gz'), labels: join(p.env, 'fashion-mnist', 'train-labels-idx1-ubyte.gz') },
      test: { images: join(p.env, 'fashion-mnist', 't10k-images-idx3-ubyte.gz'), labels: join(p.env, 'fashion-mnist', 't10k-labels-idx1-ubyte.gz') },
    });
  });

  it('TRAINSCOPE_DATA may list several folders: the first holding the dataset wins; an incomplete folder is passed over', () => {
    const p = everywhere();
    const empty = tmp(), partial = datasetRoot({ omit: ['t10k-labels-idx1-ubyte'] }), second = datasetRoot();
    const l = findDataset('fashion-mnist', { env: { TRAINSCOPE_DATA: [empty, partial, second].join(delimiter) }, home: p.home, systemDirs: [p.system] });
    expect(l.found?.dir).toBe(join(second, 'fashion-mnist'));
    expect(l.searched).toEqual([
      { dir: join(empty, 'fashion-mnist'), kind: 'TRAINSCOPE_DATA', missing: null },
      { dir: join(partial, 'fashion-mnist'), kind: 'TRAINSCOPE_DATA', missing: ['t10k-labels-idx1-ubyte'] },
      { dir: join(second, 'fashion-mnist'), kind: 'TRAINSCOPE_DATA', missing: [] },
    ]);
  });

  it('each dataset has a folder of its own (MNIST and Fashion-MNIST share file names)', () => {
    const root = datasetRoot();
    const o = { env: { TRAINSCOPE_DATA: root }, home: tmp(), systemDirs: [] };
    expect(findDataset('fashion-mnist', o).found?.dir).toBe(join(root, 'fashion-mnist'));
    expect(findDataset('mnist', o).found).toBeNull();
    datasetRoot({ root, name: 'mnist' });
    expect(findDataset('mnist', o).found?.dir).toBe(join(root, 'mnist'));
  });
});

describe('plain and gzip files', () => {
  it('accepts the published names with or without .gz, mixed in one folder, and loads the same samples', () => {
    const gz = datasetRoot(), plain = datasetRoot({ plain: true }), mixed = datasetRoot({ plain: (f) => f.startsWith('train') });
    const at = (root: string) => findDataset('fashion-mnist', { env: { TRAINSCOPE_DATA: root }, home: tmp(), systemDirs: [] }).found!;
    expect(at(plain).files.train.images).toBe(join(plain, 'fashion-mnist', 'train-images-idx3-ubyte'));
    expect(at(mixed).files).toEqual({
      train: { images: join(mixed, 'fashion-mnist', 'train-images-idx3-ubyte'), labels: join(mixed, 'fashion-mnist', 'train-labels-idx1-ubyte') },
      test: { images: join(mixed, 'fashion-mnist', 't10k-images-idx3-ubyte.gz'), labels: join(mixed, 'fashion-mnist', 't10k-labels-idx1-ubyte.gz') },
    });
    const load = (root: string) => loadSource({ type: 'dataset', name: 'fashion-mnist', split: 'train' }, { baseDir: '.', seed: 1, field: 'data.train', search: { env: { TRAINSCOPE_DATA: root }, home: tmp(), systemDirs: [] } });
    const a = load(gz), b = load(plain);
    expect(a.n).toBe(2000);
    // (byte for byte: a deep equal of 1.5M floats takes seconds)
    const same = (u: Float32Array, v: Float32Array) => u.length === v.length && Buffer.from(u.buffer, u.byteOffset, u.byteLength).equals(Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    expect(same(b.x, a.x)).toBe(true);
    expect(same(b.y, a.y)).toBe(true);
    expect(a.classNames).toEqual(DATASETS['fashion-mnist'].classNames);
    expect(a.source).toBe(`fashion-mnist train (${join(gz, 'fashion-mnist')})`);
  });
});

describe('a dataset that is nowhere', () => {
  it('is one line naming the spec field, every folder searched (with what an incomplete one lacks) and how to get the data', () => {
    const env = tmp(), home = tmp(), system = tmp();
    mkdirSync(join(system, 'fashion-mnist')); // an empty folder: it lacks everything
    const partial = datasetRoot({ omit: ['train-labels-idx1-ubyte', 't10k-images-idx3-ubyte'] });
    const o = { env: { TRAINSCOPE_DATA: [env, partial].join(delimiter) }, home, systemDirs: [system] };
    let error: unknown;
    try { datasetSplitFiles('fashion-mnist', 'test', 'data.test', o); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(
      `data.test: dataset "fashion-mnist" not found (searched ${join(env, 'fashion-mnist')}, ${join(partial, 'fashion-mnist')} (lacks train-labels-idx1-ubyte, t10k-images-idx3-ubyte), ` +
      `${join(home, '.trainscope', 'data', 'fashion-mnist')}, ${join(system, 'fashion-mnist')} (lacks train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte)): ` +
      'install it with `apt-get install dataset-fashion-mnist` (Debian, Ubuntu) or put its four files train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each may be .gz) in one of those folders, or in <dir>/fashion-mnist with <dir> in TRAINSCOPE_DATA',
    );
    expect((error as Error).message).not.toMatch(/\n/);
    // a dataset without a Debian package says only where to put the files
    expect(notFoundMessage(findDataset('mnist', { env: {}, home, systemDirs: [] }))).toBe(
      `dataset "mnist" not found (searched ${join(home, '.trainscope', 'data', 'mnist')}): put its four files train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each may be .gz) in one of those folders, or in <dir>/mnist with <dir> in TRAINSCOPE_DATA`,
    );
  });

  it('names the field of the split that asked for it, before anything else is loaded', () => {
    const search = { env: {}, home: tmp(), systemDirs: [] };
    const s = spec({ data: { train: { type: 'dataset', name: 'mnist', split: 'train' } }, model: { layers: [{ type: 'flatten' }, { type: 'dense', units: 10 }] } });
    expect(() => prepareData(s, '.', search)).toThrow(/^data\.train: dataset "mnist" not found/);
    const root = datasetRoot();
    const t = spec({ data: { train: { type: 'dataset', name: 'fashion-mnist', split: 'train' }, test: { type: 'dataset', name: 'mnist', split: 'test' } }, model: { layers: [{ type: 'flatten' }, { type: 'dense', units: 10 }] } });
    expect(() => prepareData(t, '.', { ...search, hostDirs: [root] })).toThrow(/^data\.test: dataset "mnist" not found/);
  });
});

describe('a spec naming a dataset', () => {
  it('loads its train and test splits with the dataset\'s class names, found through a host folder', () => {
    const root = datasetRoot();
    const s = spec({
      data: { train: { type: 'dataset', name: 'fashion-mnist', split: 'train' }, test: { type: 'dataset', name: 'fashion-mnist', split: 'test' }, validation: 0.1, limit: 500 },
      model: { layers: [{ type: 'flatten' }, { type: 'dense', units: 10, activation: 'softmax' }] },
    });
    const d = prepareData(s, '.', { env: {}, hostDirs: [root], home: tmp(), systemDirs: [] });
    expect(d.info).toMatchObject({ train: 450, validation: 50, test: 2000, inputShape: [28, 28, 1], classes: 10, classNames: DATASETS['fashion-mnist'].classNames });
    expect(d.info.source).toBe(`fashion-mnist train (${join(root, 'fashion-mnist')})`);
  });

  it('is refused by the schema with an unknown name or split, naming the field', () => {
    const bad = (train: unknown) => {
      const r = (() => { try { spec({ data: { train: train as never }, model: { layers: [{ type: 'dense', units: 1 }] } }); return ''; } catch (e) { return (e as Error).message; } })();
      return r;
    };
    expect(bad({ type: 'dataset', name: 'cifar-10', split: 'train' })).toMatch(/^data\.train\.name: /);
    expect(bad({ type: 'dataset', name: 'mnist', split: 'validation' })).toMatch(/^data\.train\.split: /);
    expect(bad({ type: 'dataset', name: 'mnist' })).toMatch(/^data\.train\.split: /);
  });
});
