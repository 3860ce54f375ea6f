// Seeded randomness. Everything random that the engine decides (splits, shuffling, synthetic
// data, augmentation) draws from these generators, so a seed repeats a run.

import { mulberry32 } from '../../shared/random.ts';

/** mulberry32 (shared/random.ts). */
export const rng = mulberry32;

/** Standard normal deviates by Box-Muller. */
export function normal(rand: () => number): () => number {
  return () => {
    let u = 0;
    while (u === 0) u = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
}

export function shuffleInPlace<T>(a: T[] | Int32Array | Uint32Array, rand: () => number) {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = a[i]; a[i] = a[j]; a[j] = t;
  }
}

/**
 * tfjs draws dropout masks and gaussian-noise layers from Math.random when no seed is given
 * (a fixed layer seed would repeat the same mask every step). Seeding Math.random for the
 * duration of a run is the only way to make those repeatable; the engine runs in its own
 * process in the app, so nothing else shares it. Returns a function that restores it.
 */
export function seedMathRandom(seed: number): () => void {
  const original = Math.random;
  Math.random = rng(seed ^ 0x5eed);
  return () => { Math.random = original; };
}
