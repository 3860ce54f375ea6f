// Issue 15's measure of the duplicate checks on real data: Fashion-MNIST's test set with 300
// training images copied in exactly and 200 copied with a little noise (up to 3 of 255 grey levels
// per pixel), where a careless split or an augmented re-export would put them. Exact copies are
// found by hashing (shared/data-audit/checks.ts), near ones by the cosine similarity of the pixels
// after a seeded random projection to 128 dimensions, each candidate re-scored exactly
// (main/engine/data-audit/near-duplicates.ts). duplicates_recall: planted copies found / planted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateSpec } from '../shared/spec.ts';
import { mulberry32 } from '../shared/random.ts';
import { exactDuplicates } from '../shared/data-audit/checks.ts';
import { nearDuplicates } from '../main/engine/data-audit/near-duplicates.ts';
import { prepareData } from '../main/engine/data/load.ts';
import { selectBackend } from '../main/engine/backends/select.ts';

const root = join(import.meta.dirname ?? '.', '..');
const log = (s: string) => process.stderr.write(`${s}\n`);

export async function benchDuplicates() {
  await selectBackend('wasm');
  const r = validateSpec(JSON.parse(readFileSync(join(root, 'assets/specs/fashion-mnist-mlp.json'), 'utf8')));
  if (!r.ok) throw new Error(r.issues[0].message);
  const { train, test } = prepareData({ ...r.spec, data: { ...r.spec.data, validation: 0 } }, root);
  const size = train.x.length / train.n;
  const x = Float32Array.from(test.x);
  const next = mulberry32(9);
  const exact = new Map<number, number>(), near = new Map<number, number>(); // test index -> train index
  for (let k = 0; k < 500; k++) {
    const at = k * 19, from = Math.floor(next() * train.n);
    const src = train.x.subarray(from * size, (from + 1) * size);
    if (k < 300) { x.set(src, at * size); exact.set(at, from); continue; }
    // (inputs are scaled to [0, 1]: 3 grey levels are 3/255)
    for (let j = 0; j < size; j++) x[at * size + j] = Math.min(1, Math.max(0, src[j] + (Math.floor(next() * 7) - 3) / 255));
    near.set(at, from);
  }
  const t0 = performance.now();
  const dup = exactDuplicates([
    { name: 'train', x: train.x, n: train.n, size, labels: train.y },
    { name: 'test', x, n: test.n, size, labels: test.y },
  ]);
  const foundExact = new Set<number>();
  for (const g of dup.groups) {
    const trainIdx = new Set(g.members.filter((m) => m.split === 'train').map((m) => m.index));
    for (const m of g.members) if (m.split === 'test' && exact.has(m.index) && trainIdx.has(exact.get(m.index)!)) foundExact.add(m.index);
  }
  const t1 = performance.now();
  const pairs = nearDuplicates({ x, n: test.n, dim: size }, { x: train.x, n: train.n, dim: size }, { threshold: 0.99, project: 128 });
  const t2 = performance.now();
  let foundNear = 0;
  // (matched to the source, or to a training image identical to it: Fashion-MNIST has a few twins)
  const sameImage = (a: number, b: number) => train.x.subarray(a * size, (a + 1) * size).every((v, j) => v === train.x[b * size + j]);
  for (const p of pairs) { const src = near.get(p.query); if (src !== undefined && (p.match === src || sameImage(p.match, src))) foundNear++; }
  const recall = (foundExact.size + foundNear) / (exact.size + near.size);
  log(`duplicates: exact ${foundExact.size}/${exact.size} in ${((t1 - t0) / 1000).toFixed(2)} s; near ${foundNear}/${near.size} in ${((t2 - t1) / 1000).toFixed(1)} s (${pairs.length} pairs at 0.99 or more, the others genuine near twins in Fashion-MNIST itself)`);
  return { duplicates_recall: recall, duplicates_exact_s: (t1 - t0) / 1000, duplicates_near_s: (t2 - t1) / 1000 };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  process.stdout.write(`${JSON.stringify(await benchDuplicates())}\n`);
}
