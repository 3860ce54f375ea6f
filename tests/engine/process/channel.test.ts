// The engine's channel to its host: a message larger than the pipe's buffer leaves in pieces, one
// each time the event loop polls. A training step holds the loop for its whole length, so without
// waiting for the channel 10 MB of sample images crawled out one piece per step and every step's
// loss queued behind them (samples/s and the loss chart stayed empty for the first 15-30 s).
import { describe, expect, it } from 'vitest';
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

function run(mode: 'wait' | 'no-wait'): Promise<{ step: number; bigHasLeft: boolean }[]> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = fork(join(__dirname, 'fixtures/busy-child.ts'), [mode], { execArgv: ['--import', tsx], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const steps: { step: number; bigHasLeft: boolean }[] = [];
  child.on('message', (m: { type: string; step: number; bigHasLeft: boolean }) => { if (m.type === 'step') steps.push(m); });
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => (code === 0 ? resolve(steps) : reject(new Error(`child exited with ${code}`))));
  });
}

describe('engine channel', () => {
  it('drained(): a step that waits for it starts only once the large message before it has left the process', async () => {
    const steps = await run('wait');
    expect(steps.map((s) => s.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(steps.every((s) => s.bigHasLeft)).toBe(true);
  });

  it('without waiting, the large message is still leaving while the steps run (what the wait is for)', async () => {
    const steps = await run('no-wait');
    expect(steps[0].bigHasLeft).toBe(false);
  });
});
