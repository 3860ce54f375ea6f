// A fix trial outside the app: run the original and the variant for the same short budget and
// report whether the symptom is still found (tests, scripts).
import type { RunSpec } from '../../../shared/spec.ts';
import type { FindingKind, FixId } from '../../../shared/diagnosis/finding.ts';
import { applyFix } from '../../../shared/diagnosis/fixes.ts';
import { Trainer } from '../train/trainer.ts';
import type { BackendChoice } from '../backends/select.ts';

async function kindsFound(spec: RunSpec, baseDir: string, backend: BackendChoice) {
  const t = new Trainer({ spec, baseDir, backend });
  const kinds = new Set<FindingKind>();
  let finalLoss = NaN;
  t.on((e) => { if (e.type === 'finding') kinds.add(e.finding.kind); if (e.type === 'epoch') finalLoss = e.train.loss; });
  await t.run();
  t.built.model.dispose();
  return { kinds, finalLoss };
}

export async function tryFix(spec: RunSpec, baseDir: string, kind: FindingKind, fix: FixId, opts: { epochs?: number; backend?: BackendChoice } = {}) {
  const budget = (s: RunSpec): RunSpec => ({ ...s, training: { ...s.training, epochs: Math.min(opts.epochs ?? 2, s.training.epochs) } });
  const before = await kindsFound(budget(spec), baseDir, opts.backend ?? 'cpu');
  const after = await kindsFound(budget(applyFix(spec, fix)), baseDir, opts.backend ?? 'cpu');
  return { before: before.kinds.has(kind), after: after.kinds.has(kind), lossBefore: before.finalLoss, lossAfter: after.finalLoss };
}
