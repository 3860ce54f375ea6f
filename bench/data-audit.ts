// Timings of the data audit's checks at Fashion-MNIST's size (not part of `npm run bench`; run
// one case at a time: npx tsx bench/data-audit.ts exact | near-128 | near-784 | near-784-p128).
// Random data: the time depends on the sizes, not on the values.
import { exactDuplicates } from '../shared/data-audit/checks.ts';
import { nearDuplicates } from '../main/engine/data-audit/near-duplicates.ts';
import { selectBackend } from '../main/engine/backends/select.ts';
import { rng } from '../main/engine/seed.ts';

function uniform(len: number, seed: number) {
  const r = rng(seed);
  const a = new Float32Array(len);
  for (let i = 0; i < len; i++) a[i] = r();
  return a;
}

function time<T>(what: string, f: () => T): T {
  const t0 = performance.now();
  const r = f();
  console.log(`${what}: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  return r;
}

const which = process.argv[2] ?? 'exact';
if (which === 'exact') {
  const size = 784, trainN = 60_000, testN = 10_000;
  const train = uniform(trainN * size, 1), test = uniform(testN * size, 2);
  for (let k = 0; k < 700; k++) test.set(train.subarray(k * 83 * size, (k * 83 + 1) * size), k * 14 * size);
  const labels = (n: number) => new Float32Array(n);
  const r = time(`exactDuplicates, 60,000 + 10,000 x ${size}`, () => exactDuplicates([
    { name: 'train', x: train, n: trainN, size, labels: labels(trainN) },
    { name: 'test', x: test, n: testN, size, labels: labels(testN) },
  ]));
  console.log(`  groups ${r.groups.length}, test in train ${r.testInTrain}`);
} else {
  const [, d, p] = /^near-(\d+)(?:-p(\d+))?$/.exec(which) ?? [];
  if (!d) throw new Error(`unknown case ${which}`);
  const dim = Number(d), project = p ? Number(p) : undefined;
  const info = await selectBackend('wasm');
  console.log(`backend ${info.name}, ${JSON.stringify(info.wasm)}`);
  const queries = { x: uniform(10_000 * dim, 3), n: 10_000, dim };
  const reference = { x: uniform(60_000 * dim, 4), n: 60_000, dim };
  const chunk = Number(process.env.CHUNK ?? 2048);
  const pairs = time(`nearDuplicates 10,000 x 60,000 x ${dim}${project ? `, project ${project}` : ''}, chunk ${chunk}`,
    () => nearDuplicates(queries, reference, { project, chunk }));
  console.log(`  pairs ${pairs.length}`);
}
