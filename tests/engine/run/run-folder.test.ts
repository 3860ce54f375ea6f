import { describe, expect, it } from 'vitest';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunWriter, readRun, EVENTS_FILE } from '../../../main/engine/run/run-folder.ts';
import { summarizeRun } from '../../../main/engine/run/summary.ts';
import { Trainer } from '../../../main/engine/train/trainer.ts';
import { tinySpec, tmp } from '../../helpers.ts';
import { PROTOCOL_VERSION } from '../../../shared/events.ts';

async function recordedRun(stopAfterSteps?: number) {
  const dir = tmp();
  const s = tinySpec({ training: { epochs: 2 } });
  const trainer = new Trainer({ spec: s, baseDir: '.', backend: 'cpu' });
  const writer = new RunWriter(dir, s);
  let steps = 0;
  trainer.on((e) => writer.write(e));
  trainer.on((e) => { if (e.type === 'step' && ++steps === stopAfterSteps) trainer.stop(); });
  await trainer.run({ runDir: dir });
  writer.close();
  return dir;
}

describe('run folder', () => {
  it('skips events that pass the envelope but lack what readers dereference, naming why, and inspect still summarises', async () => {
    const dir = await recordedRun();
    const log = join(dir, EVENTS_FILE);
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    const end = lines.pop()!;
    lines.push(JSON.stringify({ v: PROTOCOL_VERSION, t: 1, type: 'epoch', epoch: 5, step: 99 })); // no train
    lines.push(JSON.stringify({ v: PROTOCOL_VERSION, t: 1, type: 'finding', finding: { id: 'x' } })); // no kind, title...
    lines.push(JSON.stringify({ v: PROTOCOL_VERSION, t: 1, type: 'run-end', status: 'completed', steps: 1, epochs: 1, durationMs: 1 })); // no final
    lines.push(end);
    writeFileSync(log, `${lines.join('\n')}\n`);
    const r = readRun(dir);
    expect(r.skipped.map((x) => x.error)).toEqual([
      expect.stringMatching(/^epoch event: train: /),
      expect.stringMatching(/^finding event: finding\.kind: /),
      expect.stringMatching(/^run-end event: final: /),
    ]);
    expect(summarizeRun(r)).toMatchObject({ status: 'completed', skippedLines: 3, epochs: 2 });
  });

  it('an events.jsonl that is a directory is a one-line error, not EISDIR', () => {
    const dir = tmp();
    mkdirSync(join(dir, EVENTS_FILE));
    expect(() => readRun(dir)).toThrow(/events\.jsonl: cannot be read \(it is a directory\)/);
  });

  it('reads back every event the engine wrote', async () => {
    const dir = await recordedRun();
    const r = readRun(dir);
    expect(r.skipped).toEqual([]);
    expect(r.events[0].type).toBe('run-start');
    expect(r.events.at(-1)!.type).toBe('run-end');
    expect(r.events.every((e) => e.v === PROTOCOL_VERSION)).toBe(true);
    expect(summarizeRun(r)).toMatchObject({ status: 'completed', epochs: 2, layers: ['dense_1', 'dense_2', 'dense_3'] });
  });

  it('a run killed mid-write still reads: the torn line is skipped, status is interrupted', async () => {
    const dir = await recordedRun();
    const lines = readFileSync(join(dir, EVENTS_FILE), 'utf8').trim().split('\n');
    // keep the first half of the log and half a line, as a kill during a write leaves it
    const cut = lines.slice(0, Math.floor(lines.length / 2));
    writeFileSync(join(dir, EVENTS_FILE), `${cut.join('\n')}\n${lines[cut.length].slice(0, 40)}`);
    const r = readRun(dir);
    expect(r.events).toHaveLength(cut.length);
    expect(r.skipped).toEqual([{ line: cut.length + 1, error: 'torn last line (run interrupted while writing)' }]);
    const s = summarizeRun(r);
    expect(s.status).toBe('interrupted');
    expect(s.steps).toBeGreaterThan(0);
  });

  it('skips events from a newer protocol, saying so', async () => {
    const dir = await recordedRun();
    appendFileSync(join(dir, EVENTS_FILE), `${JSON.stringify({ v: 99, t: 0, type: 'step', step: 1 })}\n{"nonsense":true}\n`);
    const r = readRun(dir);
    expect(r.skipped.map((x) => x.error)).toEqual([expect.stringMatching(/newer than this Trainscope/), expect.stringMatching(/^v: .*expected number/)]);
  });

  it('a stopped run ends with status stopped', async () => {
    const dir = await recordedRun(3);
    expect(summarizeRun(readRun(dir))).toMatchObject({ status: 'stopped', steps: 3 });
  });
});
