// Data folders laid out as the data registry looks for them (<root>/<name>/<published file names>),
// holding the committed 2,000-image Fashion-MNIST subset (tests/fixtures/fashion-mnist-2k) under
// the full set's names, for both splits: real IDX files on any machine, without the Debian package.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { datasetFileNames, type DatasetName } from '../../../shared/datasets.ts';
import { tmp } from '../../helpers.ts';

export const FASHION_2K = join(__dirname, '../../fixtures/fashion-mnist-2k');
const SUBSET = { images: join(FASHION_2K, 't2k-images-idx3-ubyte.gz'), labels: join(FASHION_2K, 't2k-labels-idx1-ubyte.gz') };

/**
 * Puts `<root>/<name>/` with the dataset's four files: symlinks to the gzipped subset (`name.gz`),
 * or decompressed copies under the plain names (`plain`). `omit`: published names left out (an
 * incomplete folder). Returns the root.
 */
export function datasetRoot(o: { root?: string; name?: DatasetName; plain?: boolean | ((file: string) => boolean); omit?: string[] } = {}): string {
  const root = o.root ?? tmp('trainscope-data-');
  const name = o.name ?? 'fashion-mnist';
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const file of datasetFileNames(name)) {
    if (o.omit?.includes(file)) continue;
    const source = file.includes('images') ? SUBSET.images : SUBSET.labels;
    const plain = typeof o.plain === 'function' ? o.plain(file) : o.plain;
    if (plain) writeFileSync(join(dir, file), gunzipSync(readFileSync(source)));
    else symlinkSync(source, join(dir, `${file}.gz`));
  }
  return root;
}
