// Shared test fixtures: small specs that train in seconds, temporary folders, backend set-up.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type RunSpec, type RunSpecInput, validateSpec } from '../shared/spec.ts';
import type { RunEvent } from '../shared/events.ts';
import { payloadData, type InstrumentDefinition, type Payloads, type PayloadOf } from '../shared/instruments/framework/define.ts';
import { activations } from '../shared/instruments/activations/definition.ts';
import { gradients } from '../shared/instruments/gradients/definition.ts';
import { weights } from '../shared/instruments/weights/definition.ts';
import { selectBackend, type BackendChoice } from '../main/engine/backends/select.ts';
import { Trainer } from '../main/engine/train/trainer.ts';

export function tmp(prefix = 'trainscope-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A valid spec from a partial one; throws with the validation issues otherwise. */
export function spec(input: RunSpecInput): RunSpec {
  const r = validateSpec(input);
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  return r.spec;
}

/** A small MLP on blobs: trains in well under a second. */
export function tinySpec(over: Partial<RunSpecInput> = {}): RunSpec {
  return spec({
    name: 'tiny',
    seed: 3,
    data: { train: { type: 'synthetic', name: 'blobs', samples: 300, classes: 3, features: 4, noise: 0.3 }, validation: 0.2, test: 0.1 },
    model: { layers: [{ type: 'dense', units: 16, activation: 'tanh' }, { type: 'dense', units: 8, activation: 'relu', kernelInitializer: 'he_normal' }, { type: 'dense', units: 3, activation: 'softmax' }] },
    training: { epochs: 3, batchSize: 32 },
    instruments: { every: 5 },
    ...over,
  });
}

export async function useBackend(name: BackendChoice) {
  const info = await selectBackend(name);
  return info;
}

/** Trains a spec to the end and returns every event. */
export async function trainAll(s: RunSpec, backend: BackendChoice = 'cpu', runDir?: string): Promise<{ events: RunEvent[]; trainer: Trainer }> {
  const trainer = new Trainer({ spec: s, baseDir: process.cwd(), backend });
  const events: RunEvent[] = [];
  trainer.on((e) => events.push(e));
  await trainer.run(runDir ? { runDir } : {});
  return { events, trainer };
}

export function ofType<T extends RunEvent['type']>(events: RunEvent[], type: T): Extract<RunEvent, { type: T }>[] {
  return events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
}

export { tf };

/** An instrument's payload out of a collection or init event; fails the test when it is missing. */
export function payload<D extends InstrumentDefinition>(e: { payloads: Payloads }, def: D): PayloadOf<D> {
  const d = payloadData(e.payloads, def);
  if (!d) throw new Error(`no ${def.id} payload in the event`);
  return d;
}
export const acts = (e: { payloads: Payloads }) => payload(e, activations);
export const grads = (e: { payloads: Payloads }) => payload(e, gradients);
export const wts = (e: { payloads: Payloads }) => payload(e, weights);
