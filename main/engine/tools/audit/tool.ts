// The data audit as a tool: `trainscope audit <spec> [--folds K] [--show N] [--json]`, and the
// Audit data buttons in the app.
import { auditModelsWeak, auditTool, weakModelsNote } from '../../../../shared/tools/audit/definition.ts';
import { unpackPredictions } from '../../../../shared/instruments/predictions/packing.ts';
import { base64ToF32 } from '../../../../shared/base64.ts';
import { defineEngineTool } from '../framework/tool.ts';
import { crossValidatedAudit } from './cross-validate.ts';

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

export const auditEngineTool = defineEngineTool({
  definition: auditTool,
  run: (spec, ctx, o) => crossValidatedAudit(spec, ctx.baseDir, { backend: ctx.backend, dataDirs: ctx.dataDirs, folds: o.folds, show: o.show, onProgress: ctx.onProgress, signal: ctx.signal }),
  report: (r) => {
    const name = (c: number) => r.classNames?.[c] ?? String(c);
    const s = r.samples;
    const p = unpackPredictions(base64ToF32(s.predictions), s.indices.length, s.k);
    const flagged = s.indices.map((index, j) => ({ index, j })).filter(({ j }) => p.labelIssue?.[j]).slice(0, 20);
    // the largest off-diagonal cells of the noise matrix: the label swaps it estimates most often
    const swaps = r.labelIssues.noiseMatrix.flatMap((row, given) => row.map((v, truth) => ({ given, truth, v }))).filter((c) => c.given !== c.truth && c.v > 0).sort((a, b) => b.v - a.v).slice(0, 3);
    return [
      `${r.folds}-fold cross-validated audit of ${r.n.toLocaleString('en')} training samples on ${r.backend}, ${(r.durationMs / 1000).toFixed(0)} s: out-of-sample accuracy ${pct(r.accuracy)} (folds ${r.foldAccuracy.map(pct).join(', ')})`,
      ...(auditModelsWeak(r) ? [`CAUTION: ${weakModelsNote(r)}`] : []),
      `${r.labelIssues.flagged.toLocaleString('en')} likely label issues (confident learning); about ${Math.round(r.labelIssues.estimated).toLocaleString('en')} wrong labels estimated (${pct(r.labelIssues.estimated / Math.max(1, r.n))}); the model's own errors inflate that estimate`,
      `near twins in training (input cosine similarity ${r.nearTwins.threshold} or more): ${r.nearTwins.counts.test.toLocaleString('en')} test and ${r.nearTwins.counts.validation.toLocaleString('en')} validation samples${r.nearTwins.pairs.length ? `; closest: ${r.nearTwins.pairs.slice(0, 5).map((p) => `${p.split} row ${p.row} ~ train row ${p.trainRow} (${p.similarity.toFixed(4)})`).join(', ')}` : ''}`,
      ...(swaps.length ? [`most often mislabelled: ${swaps.map((c) => `${pct(c.v)} of ${name(c.truth)} labelled ${name(c.given)}`).join('; ')}`] : []),
      ...(flagged.length ? ['first flagged (row in the data source: given -> predicted, p(given)):', ...flagged.map(({ index, j }) => `  #${index}: ${name(s.labels[j])} -> ${name(p.predicted[j])}, ${p.pGiven[j].toFixed(3)}`)] : []),
    ].join('\n');
  },
});
