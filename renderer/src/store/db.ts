// The run library in IndexedDB (Dexie). Schema versions are listed in order; a new version adds
// its stores and an upgrade function, and old databases migrate on open.
import Dexie, { type Table } from 'dexie';
import type { RunEndEvent, RunEvent, RunStartEvent } from '../../../shared/events.ts';
import type { PackedCollection } from './pack.ts';

export interface RunRecord {
  id: string;
  name: string;
  /** user-given name; the spec name otherwise */
  title: string;
  createdAt: number;
  status: string;
  backend: string;
  start: RunStartEvent;
  end: RunEndEvent | null;
  best: Record<string, number>;
  steps: number;
}

/** One record per (run, step): the loss and learning rate, and the collection when there was one. */
export interface StepRecord {
  runId: string;
  step: number;
  epoch: number;
  loss: number;
  lr: number;
  t: number;
  c?: PackedCollection;
}

/** Every other event (epochs, status, checkpoints, test, run-end...), in arrival order. */
export interface EventRecord {
  runId: string;
  seq: number;
  event: RunEvent;
}

export class TrainscopeDB extends Dexie {
  runs!: Table<RunRecord, string>;
  steps!: Table<StepRecord, [string, number]>;
  events!: Table<EventRecord, [string, number]>;

  constructor(name = 'trainscope') {
    super(name);
    this.version(1).stores({
      runs: 'id, createdAt',
      steps: '[runId+step]',
      events: '[runId+seq]',
    });
  }
}
