// A host's own data folder (the desktop app's <userData>/data, passed as `dataDirs`) reaches the
// trainer and every tool: a spec naming a dataset that is only there loads, and fails without it.
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Trainer } from '../../../main/engine/train/trainer.ts';
import { ENGINE_TOOLS } from '../../../main/engine/tools/registry.ts';
import { parseToolOptions } from '../../../shared/tools/framework/define.ts';
import { spec, tmp } from '../../helpers.ts';
import { datasetRoot } from '../data/dataset-folders.ts';

// (MNIST has no Debian package: with no TRAINSCOPE_DATA and an empty home, the host's folder is the only place it can be)
beforeAll(() => {
  delete process.env.TRAINSCOPE_DATA;
  process.env.HOME = tmp('trainscope-home-');
});

// (the committed Fashion-MNIST subset under MNIST's folder: the same published file names)
const named = () => spec({
  name: 'host-data',
  data: { train: { type: 'dataset', name: 'mnist', split: 'train' }, validation: 0.25, limit: 64 },
  model: { layers: [{ type: 'flatten' }, { type: 'dense', units: 10, activation: 'softmax' }] },
  training: { epochs: 1, batchSize: 16 },
});

const OPTIONS: Record<string, unknown> = { overfit: { steps: 3 }, gradcheck: {}, 'init-explorer': { draws: 1 }, 'lr-find': { steps: 10 }, audit: { folds: 2 } };

describe('dataDirs: a host\'s data folder', () => {
  it('the trainer finds a named dataset there', async () => {
    const root = datasetRoot({ name: 'mnist' });
    const t = new Trainer({ spec: named(), baseDir: '.', backend: 'cpu', dataDirs: [root] });
    await t.prepare();
    expect(t.data.info.source).toBe(`mnist train (${join(root, 'mnist')})`);
    await expect(new Trainer({ spec: named(), baseDir: '.', backend: 'cpu' }).prepare()).rejects.toThrow(/^data\.train: dataset "mnist" not found/);
  });

  it.each(ENGINE_TOOLS.map((t) => [t.definition.id, t] as const))('%s finds a named dataset there', async (id, tool) => {
    const parsed = parseToolOptions(tool.definition, OPTIONS[id]);
    if (!parsed.ok) throw new Error(parsed.error);
    const root = datasetRoot({ name: 'mnist' });
    await expect(tool.run(named(), { baseDir: '.', backend: 'cpu', dataDirs: [root] }, parsed.options)).resolves.toBeTruthy();
    await expect(tool.run(named(), { baseDir: '.', backend: 'cpu' }, parsed.options)).rejects.toThrow(/^data\.train: dataset "mnist" not found/);
  });
});
