// The event protocol between the engine and everything that listens to it (CLI, run folder,
// desktop app, browser mode). Every event carries the protocol version `v`; readers accept
// the versions they know and report the others instead of guessing.
import { z } from 'zod';
import type { RunSpec } from './spec.ts';
import type { LayerInfo } from './layers.ts';
import type { Payload, Payloads } from './instruments/framework/define.ts';
import type { PredictionsHeader } from './instruments/predictions/definition.ts';
import type { Finding } from './diagnosis/finding.ts';
import type { Diagnosis } from './diagnosis/diagnosis.ts';
import { reviveNumber, reviveRecord } from './json-number.ts';

/** 2: collections and the init event carry `payloads` keyed by instrument id (1: fixed fields). */
export const PROTOCOL_VERSION = 2;

export type BackendName = 'node-gpu' | 'node' | 'wasm' | 'cpu';

export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  /** why it was not used: 'not installed', the load error, or 'skipped: ...' */
  reason?: string;
}

export interface BackendInfo {
  name: BackendName;
  /** the tfjs backend name actually registered (tensorflow, wasm, cpu) */
  tfBackend: string;
  attempts: BackendAttempt[];
  wasm?: WasmFeatures;
}

export interface WasmFeatures {
  simd: boolean;
  /** more than one thread runs XNNPACK's kernels */
  threads: boolean;
  threadCount: number;
  /** why fewer threads run than this machine has, when it is not by choice */
  threadsReason?: string;
}

export interface DataInfo {
  train: number;
  validation: number;
  test: number;
  inputShape: number[];
  /** number of classes; null for regression */
  classes: number | null;
  classNames: string[] | null;
  source: string;
  /** the training inputs after normalisation: what the first layer sees */
  inputStats: { mean: number; std: number; min: number; max: number };
  /** training samples per class (classification) */
  classCounts: number[] | null;
  /** the data checks made before training (main/engine/data/audit-splits.ts); absent in older runs */
  audit?: DataAudit;
}

/** What the data checks found in the splits, before any training. */
export interface DataAudit {
  /** samples of each held-out split identical to some training sample */
  validationInTrain: number;
  testInTrain: number;
  /** training samples that repeat an earlier one */
  duplicateTrain: number;
  /** groups of identical inputs that carry different labels */
  conflictingLabels: number;
  /** tabular data: single features whose value alone predicts the label (leave-one-out accuracy against the majority-class base rate) */
  leaks: { feature: number; name?: string; accuracy: number; baseRate: number }[];
  /** classification: samples per class in each held-out split (training's are DataInfo.classCounts); absent in older runs */
  heldOutClasses?: { validation: number[] | null; test: number[] | null };
  /** time the checks took */
  ms: number;
}

export type Metrics = Record<string, number>;

export type RunStatus = 'running' | 'paused' | 'completed' | 'stopped' | 'early-stopped' | 'diverged' | 'failed';

interface Base {
  v: number;
  t: number;
  /**
   * The event's place in its run's stream, from 0, as the engine emitted it (run folder and live
   * stream alike). A reader that missed some (a page reloaded mid-run) asks for a replay from the
   * first it lacks. Absent in logs written before it existed.
   */
  i?: number;
}

export interface RunStartEvent extends Base {
  type: 'run-start';
  runId: string;
  spec: RunSpec;
  backend: BackendInfo;
  data: DataInfo;
  /** `pretrained`: layers whose weights came from an imported model file (absent: none, or an older run) */
  model: { layers: LayerInfo[]; totalParams: number; trainableParams: number; pretrained?: string[] };
  stepsPerEpoch: number;
  totalSteps: number;
}
export interface StepEvent extends Base {
  type: 'step';
  step: number;
  epoch: number;
  loss: number;
  lr: number;
}
/** What the instruments recorded at one step, each under its own id (see shared/instruments). */
export interface CollectionEvent extends Base {
  type: 'collection';
  step: number;
  epoch: number;
  payloads: Payloads;
  /** time the training thread spent on this collection, ms */
  costMs: number;
}
/** An instrument's record outside collections (a check at an epoch's end): storage passes it through unread. */
export interface InstrumentEvent extends Base {
  type: 'instrument';
  instrument: string;
  step: number;
  epoch: number;
  payload: Payload;
}
export interface EpochEvent extends Base {
  type: 'epoch';
  epoch: number;
  step: number;
  train: Metrics;
  validation: Metrics | null;
  lr: number;
  durationMs: number;
  samplesPerSec: number;
  /** tensors alive in the engine at the end of the epoch; constant from epoch to epoch unless something leaks */
  numTensors: number;
}
export interface CheckpointEvent extends Base {
  type: 'checkpoint';
  epoch: number;
  step: number;
  path: string;
  monitor: string;
  value: number | null;
}
export interface LrChangeEvent extends Base {
  type: 'lr-change';
  epoch: number;
  step: number;
  from: number;
  to: number;
  reason: string;
}
export interface EarlyStopEvent extends Base {
  type: 'early-stop';
  epoch: number;
  bestEpoch: number;
  bestValue: number | null;
  monitor: string;
  restored: boolean;
}
export interface StatusEvent extends Base {
  type: 'status';
  status: RunStatus;
  step: number;
  reason?: string;
}
export interface NonFiniteEvent extends Base {
  type: 'non-finite';
  step: number;
  epoch: number;
  what: 'loss';
  value: number;
}
/** Something the user should know that does not stop the run (a collection that could not be computed). */
export interface WarningEvent extends Base {
  type: 'warning';
  step: number;
  message: string;
}
export interface PredictionsEvent extends Base, PredictionsHeader {
  type: 'predictions';
  step: number;
  /** base64 of the packed Float32Array (see shared/instruments/predictions.ts); absent in the run
   *  folder's log, where the numbers live in `file` */
  data?: string;
  /** the binary file in the run folder, relative to it */
  file?: string;
}
export interface SamplesEvent extends Base {
  type: 'samples';
  split: 'validation' | 'test';
  n: number;
  /** per-sample input shape */
  shape: number[];
  /** 'u8': inputs quantised to bytes over [lo, hi] (images); 'f32': float features (tabular) */
  encoding: 'u8' | 'f32';
  lo: number;
  hi: number;
  labels: number[];
  /** base64 of the inputs; absent in the log, where they live in `file` */
  data?: string;
  file?: string;
}
/** Before the first step: what the instruments that need no gradient see of the initial model
 *  (every layer's output on the probe batch...), and the initial loss. */
export interface InitEvent extends Base {
  type: 'init';
  payloads: Payloads;
  /** loss of the initial model on the probe batch */
  loss: number;
  /** -log(1/K) for K classes, log 2 for one sigmoid unit; null where there is no reference */
  expectedLoss: number | null;
}
export interface FindingEvent extends Base {
  type: 'finding';
  finding: Finding;
}
/** The diagnosis so far: emitted when the cause or the groups change, and at the end of the run. */
export interface DiagnosisEvent extends Base {
  type: 'diagnosis';
  step: number;
  diagnosis: Diagnosis;
}
export interface TestEvent extends Base {
  type: 'test';
  metrics: Metrics;
}
export interface RunEndEvent extends Base {
  type: 'run-end';
  status: Exclude<RunStatus, 'running' | 'paused'>;
  reason?: string;
  steps: number;
  epochs: number;
  durationMs: number;
  final: { train: Metrics | null; validation: Metrics | null; test: Metrics | null };
}

export type RunEvent =
  | RunStartEvent | StepEvent | CollectionEvent | InstrumentEvent | EpochEvent | CheckpointEvent | LrChangeEvent
  | EarlyStopEvent | StatusEvent | NonFiniteEvent | WarningEvent | PredictionsEvent | SamplesEvent | InitEvent | FindingEvent | DiagnosisEvent | TestEvent | RunEndEvent;

export type RunEventType = RunEvent['type'];
/** An event as the engine emits it: the version and time are stamped on the way out. */
export type RunEventBody = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, 'v' | 't' | 'i'> : never) : never;

const EVENT_TYPES = [
  'run-start', 'step', 'collection', 'instrument', 'epoch', 'checkpoint', 'lr-change', 'early-stop', 'status',
  'non-finite', 'warning', 'predictions', 'samples', 'init', 'finding', 'diagnosis', 'test', 'run-end',
] as const satisfies readonly RunEventType[];

// The boundary check: the envelope and the fields every consumer relies on. Payloads inside
// are produced by our own engine; the envelope check catches foreign or corrupt input.
const envelope = z.looseObject({
  v: z.number().int().positive(),
  t: z.number(),
  i: z.number().int().min(0).optional(),
  type: z.enum(EVENT_TYPES),
  step: z.number().int().min(0).optional(),
  epoch: z.number().int().min(0).optional(),
});

export type ParsedEvent = { ok: true; event: RunEvent } | { ok: false; error: string };

// The fields each event type's readers dereference without looking (after the upgrade to today's
// form): an event without them is skipped with its reason, never read into a TypeError.
const record = z.record(z.string(), z.unknown());
const metricsShape = z.record(z.string(), z.union([z.number(), z.string(), z.null()]));
const PAYLOAD: Partial<Record<RunEventType, z.ZodType>> = {
  'run-start': z.looseObject({ runId: z.string(), spec: z.looseObject({ name: z.string(), training: record, model: record }), model: z.looseObject({ layers: z.array(record) }), data: record }),
  step: z.looseObject({ step: z.number(), loss: z.union([z.number(), z.string(), z.null()]) }),
  epoch: z.looseObject({ epoch: z.number(), train: metricsShape, validation: metricsShape.nullable().optional() }),
  collection: z.looseObject({ step: z.number(), payloads: record }),
  init: z.looseObject({ payloads: record }),
  test: z.looseObject({ metrics: metricsShape }),
  finding: z.looseObject({ finding: z.looseObject({ id: z.string(), kind: z.string(), title: z.string(), layers: z.array(z.string()), evidence: z.array(z.string()), remedies: z.array(record) }) }),
  diagnosis: z.looseObject({ diagnosis: z.looseObject({ groups: z.array(record) }) }),
  'run-end': z.looseObject({ status: z.string(), final: z.looseObject({ train: metricsShape.nullable(), validation: metricsShape.nullable(), test: metricsShape.nullable() }) }),
  checkpoint: z.looseObject({ path: z.string() }),
};

export function parseEvent(raw: unknown): ParsedEvent {
  const r = envelope.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    return { ok: false, error: `${i.path.join('.') || 'event'}: ${i.message}` };
  }
  if (r.data.v > PROTOCOL_VERSION) {
    return { ok: false, error: `event protocol v${r.data.v} is newer than this Trainscope (v${PROTOCOL_VERSION})` };
  }
  const event = upgradeEvent(r.data);
  const shape = PAYLOAD[event.type]?.safeParse(event);
  if (shape && !shape.success) {
    const i = shape.error.issues[0];
    return { ok: false, error: `${event.type} event: ${i.path.join('.') || 'event'}: ${i.message}` };
  }
  return { ok: true, event: reviveEvent(event) };
}

/**
 * The numbers of an event read from JSON, with NaN and Infinity back (written as strings by
 * stringifyJson, or null by older logs), in place: only fields that hold numbers are touched.
 */
export function reviveEvent(e: RunEvent): RunEvent {
  const any = e as unknown as Record<string, unknown>;
  const num = (o: Record<string, unknown> | null | undefined, k: string) => { if (o && k in o) o[k] = reviveNumber(o[k]); };
  switch (e.type) {
    case 'step': case 'init': num(any, 'loss'); break;
    case 'non-finite': num(any, 'value'); break;
    case 'epoch': reviveRecord(e.train); reviveRecord(e.validation); break;
    case 'test': reviveRecord(e.metrics); break;
    case 'run-end': reviveRecord(e.final?.train); reviveRecord(e.final?.validation); reviveRecord(e.final?.test); break;
    case 'finding': {
      const f = e.finding as unknown as Record<string, unknown>;
      num(f, 'value');
      for (const l of (e.finding.perLayer ?? []) as unknown as Record<string, unknown>[]) {
        num(l, 'value');
        if (Array.isArray(l.series)) l.series = l.series.map(reviveNumber);
      }
      break;
    }
    case 'diagnosis': {
      const v = e.diagnosis?.vitals;
      if (v) { reviveRecord(v.model); for (const l of Object.values(v.layers ?? {})) reviveRecord(l); }
      break;
    }
    default: break;
  }
  return e;
}

/** An event of an older protocol in today's form (run folders and run libraries keep old ones). */
export function upgradeEvent(e: Record<string, unknown> | RunEvent): RunEvent {
  if (typeof e !== 'object' || e === null) return e as unknown as RunEvent; // not an event: the caller's check says so
  return (e.v as number) < 2 ? fromV1(e as Record<string, unknown>) : (e as RunEvent);
}

/** The fields a protocol-1 event has, as version-1 payloads (a missing field is no payload, not an empty one). */
function payloadsOf(fields: Record<string, unknown>): Record<string, Payload> {
  return Object.fromEntries(Object.entries(fields).filter(([, data]) => data !== undefined && data !== null).map(([id, data]) => [id, { v: 1, data }]));
}

/** Protocol 1 named the three collection instruments as fields; they are payloads since 2. */
function fromV1(e: Record<string, unknown>): RunEvent {
  if (e.type === 'collection') {
    const { activations, gradients, weights, ...rest } = e;
    return { ...rest, payloads: payloadsOf({ activations, gradients, weights }) } as unknown as RunEvent;
  }
  if (e.type === 'init') {
    const { activations, ...rest } = e;
    return { ...rest, payloads: payloadsOf({ activations }) } as unknown as RunEvent;
  }
  if (e.type === 'finding') {
    const f = e.finding as Record<string, unknown> | undefined;
    if (f && !('source' in f)) return { ...e, finding: { ...f, source: SOURCE_OF_VIEW[f.view as string] ?? 'run' } } as unknown as RunEvent;
  }
  return e as unknown as RunEvent;
}

/** Protocol 1 findings named the app view; since 2 they name whose numbers show them. */
const SOURCE_OF_VIEW: Record<string, Finding['source']> = {
  overview: 'run', layers: 'gradients', saturation: 'activations', predictions: 'predictions', model: 'setup',
};
