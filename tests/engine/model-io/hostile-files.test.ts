// Model files made to hurt: each is refused in one line, reads nothing of this machine's other
// files, and never holds more memory than the model it claims to be.
// Fixtures (tests/fixtures/models/hostile/, written with h5py for this project):
// - ext.h5: a legacy Keras file whose dense kernel is stored outside the file, in /etc/passwd
//   (h5py's `external=`): opened on the real disk, HDF5 would read that file into the weights;
// - h5bomb.h5: 9 KB declaring a kernel of 268,435,456 floats (1 GiB) for a Dense(1) on one input.
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readModel } from '../../../main/engine/model-io/read-model.ts';
import { readZip, writeZip } from '../../../main/engine/model-io/zip.ts';
import { tmp } from '../../helpers.ts';

const DIR = join(__dirname, '../../fixtures/models');

describe('hostile model files', () => {
  it('a dataset stored in another file of this machine: refused, nothing of that file read', async () => {
    await expect(readModel(join(DIR, 'hostile/ext.h5'))).rejects.toThrow(/^.*ext\.h5: is not a readable HDF5 file: HDF5 could not read it \(.*\): a dataset stored outside the file, a link to another file, or damage$/);
  });

  it('a dataset that declares a billion values: refused by its shape before its values are read', async () => {
    const before = process.memoryUsage().rss;
    await expect(readModel(join(DIR, 'hostile/h5bomb.h5'))).rejects.toThrow('h5bomb.h5: layer "dense" (Dense): weight "kernel" has shape [268435456], the layer needs [1, 1]');
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 2 ** 20);
  });

  it('a tfjs manifest naming a weight file outside the model\'s folder: refused', async () => {
    const dir = join(tmp(), 'model');
    mkdirSync(dir);
    writeFileSync(join(dir, 'model.json'), JSON.stringify({
      format: 'layers-model',
      modelTopology: { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'd', units: 4, use_bias: false, activation: 'linear', batch_input_shape: [null, 1] } }] } },
      weightsManifest: [{ paths: ['../../../../../../etc/hostname'], weights: [{ name: 'd/kernel', shape: [1, 4], dtype: 'float32' }] }],
    }));
    await expect(readModel(join(dir, 'model.json'))).rejects.toThrow(/weight file "\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/etc\/hostname" is not a file name beside model\.json/);
  });

  it('a .keras whose weights file inflates far past what its layers need: refused before it is inflated', async () => {
    const src = readZip(new Uint8Array(readFileSync(join(DIR, 'mlp.keras'))));
    const big = new Uint8Array(64 * 2 ** 20); // zeros: 64 MB that deflate to about 64 KB
    big.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
    const file = join(tmp(), 'bomb.keras');
    writeFileSync(file, writeZip([{ name: 'config.json', data: src.get('config.json')!.read() }, { name: 'model.weights.h5', data: big }]));
    expect(readFileSync(file).length).toBeLessThan(2 ** 20);
    await expect(readModel(file)).rejects.toThrow(/bomb\.keras: is not a valid \.keras file: "model\.weights\.h5" would inflate to 67108864 bytes \(at most \d+\)$/);
  });
});
