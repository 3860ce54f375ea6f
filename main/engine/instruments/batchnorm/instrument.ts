// The batch-norm instrument, engine side. Per collection, a pure reduction of the BN layers'
// weights and of the probe batch at their inputs; at every epoch's end and on the final model,
// the fold check, a hook (it runs tf ops on the live model). A model without BN gives it nothing
// to do: it reads nothing, records nothing, and has no hook.
import * as tf from '@tensorflow/tfjs';
import { batchnorm, BN_CLASS, type FoldRecord } from '../../../../shared/instruments/batchnorm/definition.ts';
import type { OptionsOf } from '../../../../shared/instruments/framework/define.ts';
import { defineEngineInstrument, type HookContext, type TrainingHook } from '../framework/index.ts';
import { batchNormStats, bnRefs } from './statistics.ts';
import { foldCheck } from './fold.ts';

function foldHook(ctx: HookContext, options: OptionsOf<typeof batchnorm>): TrainingHook | null {
  const { built } = ctx;
  if (!options.fold) return null;
  let probe: tf.Tensor | null = null;

  async function check(epoch: number, final: boolean) {
    if (!probe) return;
    const layers = await foldCheck(built.model, built.layers, probe);
    const data: FoldRecord = { kind: 'fold', final, layers };
    ctx.emit({ type: 'instrument', instrument: batchnorm.id, step: ctx.step, epoch: Math.max(0, epoch), payload: { v: batchnorm.version, data } });
  }

  return {
    name: 'batchnorm-fold',
    onTrainBegin() {
      probe = tf.tensor(ctx.probe.x, [ctx.probe.n, ...ctx.probe.shape]); // the same probe batch as the collections
    },
    async onEpochEnd(logs) { await check(logs.epoch, false); },
    // a diverged model's weights are not finite: there is nothing to fold
    async onFinalModel(end) { if (end.status !== 'diverged') await check(end.finalEpoch, true); },
    dispose() { probe?.dispose(); probe = null; },
  };
}

export const batchnormInstrument = defineEngineInstrument({
  definition: batchnorm,
  appliesTo: (ctx) => ctx.layers.some((l) => l.className === BN_CLASS),
  reads: { probe: true, weights: true },
  reduce: (input, ctx, options) => {
    const refs = bnRefs(ctx);
    const probe = input.probe!;
    return batchNormStats({ weights: input.weights!, input: probe.input, output: (l) => probe.output(l) }, refs, options.collapsedGamma);
  },
  hook: foldHook,
});
