// Between Start and 'started' the engine says which step of getting ready it begins: the trainer
// announces each before doing it, the reply is validated, and the host passes it to renderers.
import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { Trainer } from '../../../main/engine/train/trainer.ts';
import { EngineSupervisor, type EngineProcess } from '../../../main/engine/process/supervisor.ts';
import { parseEngineReply, type EngineRequest } from '../../../main/engine/process/protocol.ts';
import { validateSpec } from '../../../shared/spec.ts';
import type { HostMessage } from '../../../shared/host.ts';
import { tmp } from '../../helpers.ts';

const input = { name: 'phases', data: { train: { type: 'synthetic', name: 'moons' } }, model: { layers: [{ type: 'dense', units: 2, activation: 'softmax' }] }, training: { epochs: 1 } };

describe('start phases', () => {
  it('the trainer announces backend, data and model, each before doing it', async () => {
    const v = validateSpec(input);
    if (!v.ok) throw new Error('spec');
    const seen: string[] = [];
    const t: Trainer = new Trainer({
      spec: v.spec, baseDir: '.', backend: 'cpu',
      onPhase: (p) => { seen.push(`${p}:${t.backend ? 'backend' : '-'}/${t.data ? 'data' : '-'}/${t.built ? 'model' : '-'}`); },
    });
    await t.prepare();
    expect(seen).toEqual(['backend:-/-/-', 'data:backend/-/-', 'model:backend/data/-']);
    t.built.model.dispose();
  });

  it('a preparing reply is validated, and the host passes it on before started', async () => {
    expect(parseEngineReply({ type: 'preparing', phase: 'data' }).ok).toBe(true);
    expect(parseEngineReply({ type: 'preparing', phase: 'lunch' }).ok).toBe(false);
    const e = new EventEmitter();
    const proc: EngineProcess = {
      send: (m: EngineRequest) => {
        if (m.type !== 'start') return;
        for (const phase of ['backend', 'data', 'model']) e.emit('message', { type: 'preparing', phase });
        e.emit('message', { type: 'started', runId: 'r1', runDir: tmp() });
      },
      onMessage: (l) => e.on('message', l), onExit: (l) => e.on('exit', l), onOutput: (l) => e.on('output', l), kill: () => e.emit('exit', null, 'SIGKILL'),
    };
    const sup = new EngineSupervisor({ spawn: () => proc, runsDir: tmp(), baseDir: '.' });
    const seen: HostMessage[] = [];
    sup.subscribe((m) => seen.push(m));
    sup.command({ type: 'start', spec: input }, () => {});
    await expect.poll(() => seen.some((m) => m.type === 'started')).toBe(true);
    expect(seen.filter((m) => m.type === 'preparing' || m.type === 'started').map((m) => m.type === 'preparing' ? m.phase : m.type)).toEqual(['backend', 'data', 'model', 'started']);
    sup.dispose();
  });
});
