// The run library in IndexedDB (Dexie). Schema versions are listed in order; a new version adds
// its stores and an upgrade function, and old databases migrate on open.
import Dexie, { type Table } from 'dexie';
import type { FixId } from '../../../shared/diagnosis/finding.ts';
import { upgradeEvent, type RunEndEvent, type RunEvent, type RunStartEvent, type SamplesEvent } from '../../../shared/events.ts';
import type { PredictionSplit, PredictionsHeader } from '../../../shared/instruments/predictions/definition.ts';
import { packCollection, type PackedCollection } from '../instruments/framework/payloads.ts';
import { layoutOf } from '../instruments/framework/layout.ts';
import { isV2, payloadsFromV2 } from './legacy/collections-v2.ts';

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
  /** every event of the run's stream before this index is stored (see `i` in shared/events.ts); a replay asks from here */
  received?: number;
  /** a run made from another by a remedy: a fix trial, or a spec adopted from one (not indexed: no schema change) */
  variantOf?: VariantOf;
}

/** The run a variant was made from, and the remedy that made it. */
export interface VariantOf { runId: string; fix: FixId }

/** One record per (run, step): the loss and learning rate, and the collection when there was one
 *  (every instrument's numbers packed by the instrument, see instruments/framework/payloads.ts). */
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

/** Per-sample predictions of one split at one epoch (see shared/instruments/predictions.ts). */
export interface PredictionRecord {
  runId: string;
  split: PredictionSplit;
  epoch: number;
  header: PredictionsHeader;
  f: Float32Array;
}

/** A split's inputs for display, and its labels: the samples event, decoded. */
export interface SampleRecord extends Pick<SamplesEvent, 'split' | 'n' | 'shape' | 'encoding' | 'lo' | 'hi'> {
  runId: string;
  labels: Float32Array;
  data: Uint8Array;
}

export type MarkKind = 'label-wrong' | 'ambiguous';

/** A user's verdict on one sample: the label looks wrong, or the sample is ambiguous. */
export interface MarkRecord {
  runId: string;
  /** 'train': a training sample the data audit showed, named by its row in the data source */
  split: PredictionSplit;
  index: number;
  mark: MarkKind;
  label: number;
  predicted: number;
  score: number;
  t: number;
}

/** New run's editor as the user left it: the preset chosen (or "opened") and the spec's text, as typed. */
export interface NewRunDraft { presetId: string; text: string }

/** Small values the app keeps across reloads, one record per key (New run's draft under `DRAFT_KEY`). */
export interface SettingRecord { key: string; value: unknown; t: number }
export const DRAFT_KEY = 'new-run-draft';

export class TrainscopeDB extends Dexie {
  runs!: Table<RunRecord, string>;
  steps!: Table<StepRecord, [string, number]>;
  events!: Table<EventRecord, [string, number]>;
  predictions!: Table<PredictionRecord, [string, string, number]>;
  samples!: Table<SampleRecord, [string, string]>;
  marks!: Table<MarkRecord, [string, string, number]>;
  settings!: Table<SettingRecord, string>;

  constructor(name = 'trainscope') {
    super(name);
    this.version(1).stores({
      runs: 'id, createdAt',
      steps: '[runId+step]',
      events: '[runId+seq]',
    });
    // v2: the misclassification browser. Existing runs keep their data; they simply have no predictions.
    this.version(2).stores({
      predictions: '[runId+split+epoch], runId',
      samples: '[runId+split], runId',
      marks: '[runId+split+index], runId',
    });
    // v3: instruments are plugins; a collection holds each instrument's own packed numbers. Older
    // records are repacked, and older events (protocol 1) upgraded, so every run stays readable.
    this.version(3).upgrade(async (tx) => {
      // One damaged record must not make the library unopenable: what cannot be read is left as it is.
      const starts = new Map<string, RunStartEvent>();
      for (const r of await tx.table('runs').toArray() as RunRecord[]) if (r?.start?.model) starts.set(r.id, upgradeEvent(r.start) as RunStartEvent);
      await tx.table('steps').toCollection().modify((rec: StepRecord) => {
        if (!isV2(rec.c)) return;
        const start = starts.get(rec.runId);
        try {
          rec.c = start ? packCollection({ epoch: rec.c.epoch, costMs: rec.c.costMs, payloads: payloadsFromV2(rec.c, start) }, layoutOf(start)).packed : undefined;
        } catch {
          rec.c = undefined; // a record that does not match its run's layout: its step's loss stays
        }
      });
      await tx.table('events').toCollection().modify((rec: EventRecord) => { if (rec.event) rec.event = upgradeEvent(rec.event); });
    });
    // v4: a table of small settings (New run's draft survives a reload). A new store only: the runs are untouched.
    this.version(4).stores({ settings: 'key' });
  }

  /** New run's draft from the last session, or null (none, or unreadable: New run then opens on the demo). */
  async loadDraft(): Promise<NewRunDraft | null> {
    const v = (await this.settings.get(DRAFT_KEY))?.value as Partial<NewRunDraft> | undefined;
    return v && typeof v.text === 'string' && typeof v.presetId === 'string' ? { presetId: v.presetId, text: v.text } : null;
  }

  async saveDraft(draft: NewRunDraft): Promise<void> {
    await this.settings.put({ key: DRAFT_KEY, value: { presetId: draft.presetId, text: draft.text }, t: Date.now() });
  }
}
