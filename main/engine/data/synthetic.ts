// Small, well-understood datasets: the first thing to fit when debugging a model.
import { rng, normal } from '../seed.ts';
import type { Dataset } from './dataset.ts';

export type SyntheticName = 'spirals' | 'moons' | 'circles' | 'xor' | 'blobs';

export interface SyntheticOptions { name: SyntheticName; samples: number; classes: number; features: number; noise: number; seed: number }

export function makeSynthetic(o: SyntheticOptions): Dataset {
  const rand = rng(o.seed);
  const gauss = normal(rand);
  const classes = o.name === 'spirals' || o.name === 'blobs' ? o.classes : 2;
  const dims = o.name === 'blobs' ? o.features : 2;
  const n = o.samples;
  const x = new Float32Array(n * dims);
  const y = new Float32Array(n);
  const centers = o.name === 'blobs' ? Array.from({ length: classes }, () => Array.from({ length: dims }, () => rand() * 2 - 1)) : [];
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    const t = (Math.floor(i / classes) + 0.5) / Math.ceil(n / classes); // 0..1 along the class
    let p: number[];
    switch (o.name) {
      case 'spirals': { // CS231n's spiral: radius grows with t, angle winds per class
        const theta = (c * 2 * Math.PI) / classes + t * 4;
        p = [t * Math.cos(theta), t * Math.sin(theta)];
        break;
      }
      case 'moons': { // sklearn's make_moons
        const a = Math.PI * t;
        p = c === 0 ? [Math.cos(a), Math.sin(a)] : [1 - Math.cos(a), 0.5 - Math.sin(a)];
        break;
      }
      case 'circles': { // sklearn's make_circles with factor 0.5
        const a = 2 * Math.PI * t, r = c === 0 ? 1 : 0.5;
        p = [r * Math.cos(a), r * Math.sin(a)];
        break;
      }
      case 'xor': {
        const sx = rand() < 0.5 ? -1 : 1, sy = c === 0 ? sx : -sx; // class 0: same sign
        p = [sx * (0.1 + 0.9 * rand()), sy * (0.1 + 0.9 * rand())];
        break;
      }
      case 'blobs':
        p = centers[c].slice();
        break;
    }
    for (let d = 0; d < dims; d++) x[i * dims + d] = p[d] + o.noise * gauss();
    y[i] = c;
  }
  return {
    x, y, n, shape: [dims], classes, classNames: Array.from({ length: classes }, (_, i) => `class ${i}`),
    range: null, source: `synthetic:${o.name}`,
  };
}
