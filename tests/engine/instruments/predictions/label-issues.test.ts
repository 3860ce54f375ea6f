// Confident learning on a real model's held-out predictions: an MLP trained on the bundled MNIST
// digits, with 10% of its validation labels flipped on purpose after training (the split was
// held out, so its predictions are out of sample). The flagged set and the self-confidence
// ranking must find the flips; thresholds set from measurements (see the comments).
import { describe, expect, it } from 'vitest';
import { predictSplit } from '../../../../main/engine/instruments/predictions/evaluate.ts';
import { unpackPredictions } from '../../../../shared/instruments/predictions/packing.ts';
import { mulberry32 } from '../../../../shared/random.ts';
import { spec, trainAll } from '../../../helpers.ts';

describe('likely label issues on flipped labels', () => {
  it('finds 10% uniform flips of a held-out split: the flagged set and the self-confidence ranking', async () => {
    const s = spec({
      name: 'flips', seed: 7,
      data: { train: { type: 'mnist-digits' }, validation: 0.3, test: 0 },
      model: { layers: [{ type: 'flatten' }, { type: 'dense', units: 64, activation: 'relu' }, { type: 'dense', units: 10, activation: 'softmax' }] },
      training: { epochs: 4, batchSize: 64, optimizer: { type: 'adam', learningRate: 0.003 } },
      instruments: { every: 1000, predictions: { every: 0, splits: [] } },
    });
    const { trainer } = await trainAll(s, 'wasm');
    const d = trainer.data.validation;
    const next = mulberry32(11);
    const flipped = new Uint8Array(d.n);
    const y = Float32Array.from(d.y);
    for (let i = 0; i < d.n; i++) {
      if (next() >= 0.1) continue;
      flipped[i] = 1;
      y[i] = (d.y[i] + 1 + Math.floor(next() * 9)) % 10; // any other class, uniformly
    }
    const flips = flipped.reduce((a, b) => a + b, 0);
    const { header, packed } = await predictSplit(trainer.built.model, { ...d, y }, s, 'validation', 3);
    const p = unpackPredictions(packed, header.n, header.k);
    const li = header.labelIssues!;
    let hit = 0;
    for (let i = 0; i < d.n; i++) if (p.labelIssue![i] && flipped[i]) hit++;
    const precision = hit / li.flagged, recall = hit / flips;
    // self-confidence: the `flips` samples with the lowest p(given label)
    const order = Array.from({ length: d.n }, (_, i) => i).sort((a, b) => p.pGiven[a] - p.pGiven[b] || a - b);
    const atK = order.slice(0, flips).filter((i) => flipped[i]).length / flips;
    console.log(`flips ${flips} of ${d.n}, accuracy against the flipped labels ${header.accuracy}; flagged ${li.flagged}, estimated ${li.estimated.toFixed(0)}; precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}, precision@k ${atK.toFixed(3)}`);
    expect(li.flagged).toBe(p.labelIssue!.reduce((a, b) => a + b, 0));
    expect(precision).toBeGreaterThan(0.7);
    expect(recall).toBeGreaterThan(0.7);
    expect(atK).toBeGreaterThan(0.7);
    // the estimate is of the same order as the flips plus the model's own errors
    expect(li.estimated).toBeGreaterThan(flips * 0.6);
    expect(li.estimated).toBeLessThan(flips * 2.5);
    // noise matrix: columns sum to 1
    for (let t = 0; t < 10; t++) expect(li.noiseMatrix.reduce((a, row) => a + row[t], 0)).toBeCloseTo(1, 6);
  }, 120_000);
});
