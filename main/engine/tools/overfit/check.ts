// The small-dataset overfit check (Karpathy's "overfit one batch"): can the model drive the
// training loss of a handful of samples to ~0? Before training, the initial loss is compared
// with its expected value; after, a verdict, and when it fails the likely reason with the
// numbers that show it.
import type { RunSpec } from '../../../../shared/spec.ts';
import type { CollectionEvent } from '../../../../shared/events.ts';
import type { ToolProgress } from '../../../../shared/host.ts';
import type { BackendChoice } from '../../backends/select.ts';
import { Trainer } from '../../train/trainer.ts';
import { evaluate } from '../../train/evaluate.ts';
import { sampleSize } from '../../data/dataset.ts';
import { overfitSpec, switchedOff } from './derive.ts';
import { stopped } from '../framework/tool.ts';
import { outputMismatch } from '../../model/output-check.ts';
import { expectedInitialLoss, initialLossOk } from '../../diagnosis/expected-loss.ts';
import { payloadData } from '../../../../shared/instruments/framework/define.ts';
import { isWeightedLayer } from '../../../../shared/layers.ts';
import { activations } from '../../../../shared/instruments/activations/definition.ts';
import { weights } from '../../../../shared/instruments/weights/definition.ts';
import type { OverfitReason, OverfitResult } from '../../../../shared/tools/overfit/definition.ts';

export type { OverfitReason, OverfitResult };

const fmt = (v: number) => (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toFixed(4) : v.toExponential(2));

export async function overfitCheck(
  spec: RunSpec, baseDir: string,
  opts: { backend?: BackendChoice; dataDirs?: readonly string[]; samples?: number; maxSteps?: number; onProgress?: (p: ToolProgress) => void; signal?: AbortSignal } = {},
): Promise<OverfitResult> {
  const samples = opts.samples ?? spec.overfit.samples ?? spec.training.batchSize;
  const maxSteps = opts.maxSteps ?? spec.overfit.maxSteps;
  const derived = overfitSpec(spec, samples, maxSteps);
  const trainer = new Trainer({ spec: derived, baseDir, backend: opts.backend ?? 'auto', dataDirs: opts.dataDirs });
  await trainer.prepare();
  const { model, layers } = trainer.built;
  const train = trainer.data.train;
  const classes = train.classes;
  const initial = (await evaluate(model, train, derived))!;
  const expected = expectedInitialLoss(spec, classes, model.outputs[0].shape[1] as number);
  const initialOk = expected === null ? null : initialLossOk(initial.loss, expected, spec.diagnosis.initLossTolerance);

  const losses: number[] = [];
  let last: CollectionEvent | null = null;
  let maxRatio = { value: 0, step: -1 }; // the largest median update ratio of any collection
  let nonFinite: { step: number; value: number } | null = null;
  const threshold = spec.overfit.lossThreshold;
  let total = 1;
  trainer.on((e) => {
    if (e.type === 'run-start') total = e.totalSteps;
    if (e.type === 'step') {
      losses.push(e.loss);
      opts.onProgress?.({ done: e.step + 1, total, note: `loss ${Number.isFinite(e.loss) ? e.loss.toFixed(4) : e.loss}` });
    }
    if (e.type === 'collection') {
      last = !last || e.step >= last.step ? e : last;
      const r = (payloadData(e.payloads, weights)?.variables ?? []).map((v) => v.updateRatio).filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
      const med = r.length ? r[Math.floor(r.length / 2)] : 0;
      if (med > maxRatio.value) maxRatio = { value: med, step: e.step };
    }
    if (e.type === 'non-finite' && !nonFinite) nonFinite = { step: e.step, value: e.value };
    // Done as soon as the epoch's (training-mode) loss is well under the bar: no need to spend the budget.
    if (e.type === 'epoch' && e.train.loss < threshold / 2 && (classes === null || e.train.accuracy === 1)) trainer.stop();
  });
  const onAbort = () => trainer.stop();
  opts.signal?.addEventListener('abort', onAbort);
  const end = await trainer.run().finally(() => opts.signal?.removeEventListener('abort', onAbort));
  if (opts.signal?.aborted) { model.dispose(); throw stopped(); } // a verdict on a cut-short run would mislead
  const final = end.status === 'diverged' ? { loss: NaN, accuracy: NaN } : (await evaluate(model, train, derived))!;
  model.dispose();

  const finalAcc = classes === null ? null : (final.accuracy ?? NaN);
  const passed = Number.isFinite(final.loss) && (classes === null
    ? final.loss <= spec.overfit.relativeThreshold * initial.loss
    : final.loss < threshold && finalAcc === 1);
  const result: OverfitResult = {
    passed, reason: null, explanation: null, evidence: [], finalLoss: final.loss, finalAccuracy: finalAcc, steps: end.steps,
    initialLoss: initial.loss, expectedInitialLoss: expected, initialLossOk: initialOk, samples: train.n,
    switchedOff: switchedOff(spec), losses, backend: trainer.backend.name,
  };
  if (initialOk === false) result.evidence.push(`initial loss ${fmt(initial.loss)}, expected about ${fmt(expected!)} (-log(1/${classes})): the output layer's initial scale is off`);
  if (passed) return result;

  const fail = (reason: OverfitReason, explanation: string, ...evidence: string[]) => {
    result.reason = reason;
    result.explanation = explanation;
    result.evidence.unshift(...evidence);
    return result;
  };
  const finiteLosses = losses.filter(Number.isFinite);
  const maxLoss = Math.max(...finiteLosses);
  const recent = finiteLosses.slice(-Math.max(1, Math.floor(finiteLosses.length / 10)));
  const endLoss = recent.reduce((a, b) => a + b, 0) / recent.length;
  const c = last as CollectionEvent | null;
  const acts = payloadData(c?.payloads, activations)?.layers ?? [];
  const wts = payloadData(c?.payloads, weights)?.variables ?? [];

  // 1. Diverged, exploding, or steps far too large (Karpathy: update ratios around 1e-3; above 0.1
  //    a single step rewrites the weights). Cross-entropy is clipped, so a blow-up can look flat.
  if (nonFinite || maxLoss > 3 * initial.loss + 0.5 || maxRatio.value > 0.1) {
    const nf = nonFinite as { step: number; value: number } | null;
    return fail('lr_too_high', 'The loss diverges: lower the learning rate (by 10x), or clip gradients by norm.',
      nf ? `the loss became ${nf.value} at step ${nf.step}` : maxLoss > 3 * initial.loss + 0.5 ? `the loss grew from ${fmt(initial.loss)} to ${fmt(maxLoss)}` : `median update ratio ${fmt(maxRatio.value)} at step ${maxRatio.step} (healthy: about 1e-3)`);
  }
  // 2. The output layer and the loss do not belong together.
  const mismatch = outputMismatch(spec);
  if (mismatch) return fail('output_loss_mismatch', 'Use softmax with categorical_crossentropy (sigmoid with binary_crossentropy).', mismatch, `final loss ${fmt(final.loss)}`);
  const moved = (initial.loss - endLoss) / initial.loss;
  const stuck = moved < 0.1;
  // 3. Inputs that are all the same carry nothing to learn from (a loading or pairing bug).
  const size = sampleSize(train.shape);
  let identical = train.n > 1;
  for (let i = 1; i < train.n && identical; i++) for (let j = 0; j < size; j++) if (train.x[i * size + j] !== train.x[j]) { identical = false; break; }
  if (identical && new Set(Array.from(train.y)).size > 1) {
    return fail('inputs_labels_misaligned', 'Every input is the same while the labels differ: check how inputs are loaded and paired with their labels.',
      `all ${train.n} inputs are identical; ${new Set(Array.from(train.y)).size} different labels`, `final loss ${fmt(final.loss)}`);
  }
  // 4. Frozen, dead or saturated units: the network cannot pass a signal or a gradient.
  const frozen = layers.filter((l) => !l.trainable && l.params > 0);
  if (stuck && frozen.length) return fail('frozen_layers', 'Unfreeze the layers (trainable: true), or at least the last ones.', `frozen: ${frozen.map((l) => l.name).join(', ')}`, `the loss moved ${fmt(moved * 100)}%`);
  const dead = acts.filter((l) => l.deadFrac > 0.5);
  if (dead.length) return fail('dead_units', 'Dead ReLUs: use He initialisation, a smaller learning rate, leaky_relu or ELU, or batch normalisation.', ...dead.map((l) => `${l.layer}: ${fmt(l.deadFrac * 100)}% of units dead at step ${c!.step}`), `the loss moved ${fmt(moved * 100)}%`);
  const saturated = acts.filter((l) => l.saturatedFrac > 0.5);
  if (saturated.length) return fail('saturated_units', 'Saturated units: use Glorot initialisation, scale the inputs, batch normalisation, or a non-saturating activation.', ...saturated.map((l) => `${l.layer}: ${fmt(l.saturatedFrac * 100)}% of outputs saturated at step ${c!.step}`), `the loss moved ${fmt(moved * 100)}%`);
  // 5. Stuck at chance: the inputs say nothing about the labels.
  if (classes !== null && expected !== null && Math.abs(endLoss - expected) < 0.1 * expected && (finalAcc ?? 0) <= 1.5 / classes + 1 / train.n) {
    return fail('inputs_labels_misaligned', 'The model learns nothing from the inputs: check that inputs and labels are loaded and paired correctly (shuffled together, same order).',
      `the loss stays at chance: ${fmt(endLoss)} vs ${fmt(expected)} = -log(1/${classes}), accuracy ${fmt(finalAcc ?? 0)}`);
  }
  // 6. The loss does not move although signals and gradients flow: the steps are too small.
  if (stuck) {
    const ratios = wts.map((v) => v.updateRatio).filter((r): r is number => r !== null && Number.isFinite(r)).sort((a, b) => a - b);
    const median = ratios.length ? ratios[Math.floor(ratios.length / 2)] : NaN;
    return fail('lr_too_low', 'The weights barely change: raise the learning rate (by 10x) or use Adam.',
      `the loss moved ${fmt(moved * 100)}% in ${end.steps} steps`, ...(Number.isFinite(median) ? [`median update ratio ${fmt(median)} (healthy: about 1e-3)`] : []));
  }
  // 7. It learns, but cannot get there: capacity, or the budget.
  const widths = layers.filter((l) => isWeightedLayer(l.className)).slice(0, -1).map((l) => l.units);
  const narrowest = widths.length ? Math.min(...widths) : Infinity;
  if (classes !== null && (narrowest < classes || trainer.built.trainableParams < train.n)) {
    return fail('too_few_parameters', 'The model is too small to fit even this subset: add units or layers.',
      `${trainer.built.trainableParams} trainable parameters for ${train.n} samples${narrowest < classes ? `; the narrowest layer has ${narrowest} units for ${classes} classes` : ''}`,
      `final loss ${fmt(final.loss)}, accuracy ${fmt(finalAcc ?? 0)}`);
  }
  return fail('budget_exhausted', 'It learns but too slowly: raise the learning rate, or the step budget (overfit.maxSteps).',
    `the loss fell from ${fmt(initial.loss)} to ${fmt(final.loss)} in ${end.steps} steps (target < ${threshold})`);
}
