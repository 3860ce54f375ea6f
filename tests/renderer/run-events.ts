// Real engine events for renderer tests: a small run trained once per test file.
import type { RunEvent } from '../../shared/events.ts';
import { Trainer } from '../../main/engine/train/trainer.ts';
import { tinySpec } from '../helpers.ts';

export async function recordRun(epochs = 2): Promise<RunEvent[]> {
  const s = tinySpec({
    model: { layers: [{ type: 'dense', units: 12, activation: 'tanh' }, { type: 'dense', units: 8, activation: 'relu' }, { type: 'dense', units: 3, activation: 'softmax' }] },
    training: { epochs, batchSize: 16 }, instruments: { every: 3 },
  });
  const trainer = new Trainer({ spec: s, baseDir: '.', backend: 'cpu' });
  const events: RunEvent[] = [];
  trainer.on((e) => events.push(e));
  await trainer.run({ runId: 'test-run' });
  return events;
}
