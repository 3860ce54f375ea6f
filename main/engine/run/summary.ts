// What `trainscope inspect` reports about a run folder, derived from its event log alone.
import type { Metrics, RunEndEvent, RunStartEvent } from '../../../shared/events.ts';
import type { RunRecord } from './run-folder.ts';
import { diagnose } from '../diagnosis/diagnoser.ts';

export interface RunSummary {
  dir: string;
  name: string | null;
  /** the run-end status; `interrupted` when the log stops without one (a crash or a kill) */
  status: RunEndEvent['status'] | 'interrupted';
  reason: string | null;
  backend: string | null;
  epochs: number;
  steps: number;
  layers: string[];
  collections: number;
  /** flat final metrics: train_loss, train_accuracy, val_loss, val_accuracy, test_loss, test_accuracy, ... */
  final: Record<string, number>;
  checkpoints: string[];
  skippedLines: number;
  /** the diagnosis, replayed from the log (so runs recorded before a check existed get it too) */
  findings: { kind: string; severity: string; layer: string | null; step: number; title: string }[];
}

function flat(prefix: string, m: Metrics | null | undefined, into: Record<string, number>) {
  if (!m) return;
  for (const [k, v] of Object.entries(m)) into[`${prefix}_${k}`] = v;
}

export function summarizeRun(r: RunRecord): RunSummary {
  const start = r.events.find((e): e is RunStartEvent => e.type === 'run-start');
  const end = r.events.find((e): e is RunEndEvent => e.type === 'run-end');
  let epochs = 0, steps = 0, collections = 0;
  const final: Record<string, number> = {};
  const checkpoints = new Set<string>();
  let lastEpoch: Extract<RunRecord['events'][number], { type: 'epoch' }> | null = null;
  for (const e of r.events) {
    if (e.type === 'step') steps = Math.max(steps, e.step + 1);
    else if (e.type === 'collection') collections++;
    else if (e.type === 'epoch') { epochs = Math.max(epochs, e.epoch + 1); lastEpoch = e; }
    else if (e.type === 'checkpoint') checkpoints.add(e.path);
  }
  if (end) {
    flat('train', end.final.train, final);
    flat('val', end.final.validation, final);
    flat('test', end.final.test, final);
  } else if (lastEpoch) {
    flat('train', lastEpoch.train, final);
    flat('val', lastEpoch.validation, final);
  }
  return {
    dir: r.dir,
    name: start?.spec.name ?? null,
    status: end?.status ?? 'interrupted',
    reason: end?.reason ?? (end ? null : 'the event log ends without a run-end event'),
    backend: start?.backend.name ?? null,
    epochs, steps,
    layers: start?.model.layers.map((l) => l.name) ?? [],
    collections,
    final,
    checkpoints: [...checkpoints],
    skippedLines: r.skipped.length,
    findings: diagnose(r.events).map((f) => ({ kind: f.kind, severity: f.severity, layer: f.layers[0] ?? f.tensor ?? null, step: f.step, title: f.title })),
  };
}
