// A fix trial outside the app: run the original for a short budget, apply the remedy to every
// layer its finding lists, run the variant for the same budget, and compare the same metric on
// the same layers, and the cause (tests, scripts).
import type { RunSpec } from '../../../shared/spec.ts';
import type { Finding, FindingKind, FixId, MetricId } from '../../../shared/diagnosis/finding.ts';
import type { CauseKind, Diagnosis } from '../../../shared/diagnosis/diagnosis.ts';
import { applyFix } from '../../../shared/diagnosis/fixes.ts';
import { Trainer } from '../train/trainer.ts';
import type { BackendChoice } from '../backends/select.ts';

async function diagnosed(spec: RunSpec, baseDir: string, backend: BackendChoice) {
  const t = new Trainer({ spec, baseDir, backend });
  const findings = new Map<string, Finding>();
  let diagnosis: Diagnosis | null = null;
  let finalLoss = NaN;
  t.on((e) => {
    if (e.type === 'finding') findings.set(e.finding.id, e.finding);
    if (e.type === 'diagnosis') diagnosis = e.diagnosis;
    if (e.type === 'epoch') finalLoss = e.train.loss;
  });
  await t.run();
  t.built.model.dispose();
  return { findings: [...findings.values()], diagnosis: diagnosis as Diagnosis | null, finalLoss };
}

export interface TrialResult {
  /** the finding's kind is reported in the original / the variant */
  before: boolean;
  after: boolean;
  causeBefore: CauseKind | null;
  causeAfter: CauseKind | null;
  confidenceBefore: number | null;
  confidenceAfter: number | null;
  /** the finding's metric on each of its layers (or the model), at the end of each run */
  metric: MetricId | null;
  layers: { layer: string; before: number | null; after: number | null }[];
  lossBefore: number;
  lossAfter: number;
  variant: RunSpec;
}

export async function tryFix(spec: RunSpec, baseDir: string, kind: FindingKind, fix: FixId, opts: { epochs?: number; backend?: BackendChoice } = {}): Promise<TrialResult> {
  const budget = (s: RunSpec): RunSpec => ({ ...s, training: { ...s.training, epochs: Math.min(opts.epochs ?? 2, s.training.epochs) } });
  const backend = opts.backend ?? 'cpu';
  const base = await diagnosed(budget(spec), baseDir, backend);
  const finding = base.findings.find((f) => f.kind === kind);
  const variant = applyFix(spec, fix, finding?.layers.length ? finding : undefined);
  const after = await diagnosed(budget(variant), baseDir, backend);
  const metric = finding?.metric?.id ?? null;
  const value = (d: Diagnosis | null, layer: string | null) => {
    if (!metric || !d?.vitals) return null;
    return (layer ? d.vitals.layers[layer]?.[metric] : d.vitals.model[metric]) ?? null;
  };
  const layers = finding?.perLayer?.length ? finding.perLayer.map((l) => l.layer) : [null];
  return {
    before: !!finding, after: after.findings.some((f) => f.kind === kind),
    causeBefore: base.diagnosis?.cause?.kind ?? null, causeAfter: after.diagnosis?.cause?.kind ?? null,
    confidenceBefore: base.diagnosis?.cause?.confidence ?? null, confidenceAfter: after.diagnosis?.cause?.confidence ?? null,
    metric, layers: layers.map((l) => ({ layer: l ?? 'model', before: value(base.diagnosis, l), after: value(after.diagnosis, l) })),
    lossBefore: base.finalLoss, lossAfter: after.finalLoss, variant,
  };
}
