// What `trainscope inspect` reports about a run folder, derived from its event log alone.
import type { Metrics, RunEndEvent, RunStartEvent } from '../../../shared/events.ts';
import type { RunRecord } from './run-folder.ts';
import { diagnoseRun } from '../diagnosis/diagnoser.ts';
import { diagnosisSummary } from '../../../shared/diagnosis/diagnosis.ts';

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
  findings: { kind: string; severity: string; layers: string[]; step: number; title: string }[];
  /** the most likely cause and the grouped findings, with which of them the cause explains */
  diagnosis: ReturnType<typeof diagnosisSummary>;
  /** the cause's chain in words, for the text report */
  causeLinks: string[];
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
  const d = diagnoseRun(r.events);
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
    findings: d.findings.map((f) => ({ kind: f.kind, severity: f.severity, layers: f.layers, step: f.step, title: f.title })),
    diagnosis: diagnosisSummary(d.diagnosis),
    causeLinks: d.diagnosis.cause?.links.map((l) => `${l.text}${l.step >= 0 && !/\bstep\b/.test(l.text) ? ` (step ${l.step})` : ''}`) ?? [],
  };
}
