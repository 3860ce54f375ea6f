// An instrument, renderer side, in two parts. Its data: how one collection's payload is packed
// into numbers for the run library, and how packed numbers are added to the run's data (the one
// ingest path, live and when a run is reopened); registered in ../registry.ts. Its views: tabs of
// its own, panels in the app's Overview and Layers views, where a finding's evidence is shown;
// registered in ../view-registry.ts. The data part never imports a component, so the run's data
// and the run library load without the UI.
import type { Component } from 'svelte';
import type { InstrumentDefinition, PayloadOf } from '../../../../shared/instruments/framework/define.ts';
import type { Finding } from '../../../../shared/diagnosis/finding.ts';
import type { InstrumentEvent } from '../../../../shared/events.ts';
import type { EngineState } from '../../../../shared/host.ts';
import type { RunData } from '../../lib/run-data.ts';
import type { MarkRecord } from '../../store/db.ts';
import type { RunLayout } from './layout.ts';

/** What a view or panel may read and do: the run on screen, the engine, the library's marks. */
export interface ViewApp {
  readonly current: RunData | null;
  /** bumps when the current run's data changed: views read it to redraw */
  readonly tick: number;
  /** the run on screen is training now */
  readonly live: boolean;
  readonly engine: EngineState;
  error: string | null;
  tab: string;
  /** per-sample predictions of the training run with its current weights, at its next step */
  evaluateNow(): void;
  readonly library: {
    marks(runId: string): Promise<MarkRecord[]>;
    setMark(m: Omit<MarkRecord, 't'> | { runId: string; split: MarkRecord['split']; index: number; mark: null }): Promise<void>;
  };
}

/** A tab of an instrument's own. */
export interface ViewDef {
  id: string;
  title: string;
  component: Component<{ app: ViewApp }>;
  /** false: the run on screen has nothing for this view (the tab is shown dimmed) */
  available?(run: RunData): boolean;
}

/** A chart an instrument adds to one of the app's shared views. */
export interface PanelDef {
  view: 'overview' | 'layers';
  /** in Layers: about every layer at once (above the layer chooser), or about the chosen layer (below it) */
  scope?: 'all-layers' | 'chosen-layer';
  component: Component<{ app: ViewApp; layer: number }>;
}

/**
 * Where a run keeps an instrument's data: its id and how to make it, empty, at the run's start.
 * Views get their instrument's data with `run.store(key)`; a key lives in the slice's store
 * module, so views need not import the instrument (which imports them).
 */
export interface StoreKey<S> {
  readonly id: string;
  create(layout: RunLayout): S;
}

export interface RendererInstrument<D extends InstrumentDefinition = InstrumentDefinition, S = unknown> {
  readonly definition: D;
  /** the version of the packed layout: bump it when pack changes what it writes */
  readonly packVersion?: number;
  /** a run's data of this instrument */
  readonly store?: StoreKey<S>;
  /** how many numbers one collection packs to: fixed for a run, by its layout */
  packedSize?(layout: RunLayout): number;
  /** one collection's payload as numbers, written into `f` (packedSize of them, zeroed): the run library stores them as they are */
  pack?(data: PayloadOf<D>, layout: RunLayout, f: Float32Array): void;
  /** one collection's packed numbers into the store; collections may arrive out of step order */
  add?(store: S, step: number, f: Float32Array, layout: RunLayout): void;
  /** an event of this instrument's own (type 'instrument'), already upgraded to this version */
  addRecord?(store: S, e: InstrumentEvent, data: unknown): void;
}

export function defineRendererInstrument<D extends InstrumentDefinition, S>(i: RendererInstrument<D, S>): RendererInstrument<D, S> {
  return i;
}

export interface InstrumentViews {
  /** the instrument's id */
  readonly id: string;
  readonly views?: ViewDef[];
  readonly panels?: PanelDef[];
  /** the view (tab id) that shows the evidence of a finding about this instrument's numbers */
  evidenceView?(f: Finding): string;
}

export function defineInstrumentViews(definition: InstrumentDefinition, v: Omit<InstrumentViews, 'id'>): InstrumentViews {
  return { id: definition.id, ...v };
}
