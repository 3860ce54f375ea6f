// The predictions instrument, engine side: a training hook. The split inputs go out once at the
// start (`samples`), per-sample predictions at every `every`-th epoch's end (their validation
// metrics spare the loop its own pass), on request ("evaluate now", at the next step) and for
// the weights the run ends with.
import { predictions } from '../../../../shared/instruments/predictions/definition.ts';
import type { OptionsOf } from '../../../../shared/instruments/framework/define.ts';
import type { Metrics } from '../../../../shared/events.ts';
import { bytesToBase64, f32ToBase64 } from '../../../../shared/base64.ts';
import { defineEngineInstrument, type HookContext, type TrainingHook } from '../framework/index.ts';
import { predictSplit, samplesPayload } from './evaluate.ts';

function predictionsHook(ctx: HookContext, options: OptionsOf<typeof predictions>): TrainingHook | null {
  const splits = options.splits.filter((s) => ctx.data[s].n > 0);
  if (!splits.length) return null;
  const predicted = new Set<number>(); // epochs whose end-of-epoch weights were predicted
  let requested = false;

  /** Predictions of every split; the validation metrics when validation is among them. `atEnd`:
   *  of the epoch's final weights (an on-demand evaluation mid-epoch is not, and must not stand in for them). */
  async function emitPredictions(epoch: number, atEnd = true): Promise<Metrics | undefined> {
    let valMetrics: Metrics | undefined;
    for (const split of splits) {
      const r = await predictSplit(ctx.built.model, ctx.data[split], ctx.spec, split, epoch);
      if (split === 'validation') valMetrics = r.metrics;
      ctx.emit({ type: 'predictions', step: ctx.step, ...r.header, data: f32ToBase64(r.packed) });
    }
    if (atEnd) predicted.add(epoch);
    return valMetrics;
  }

  return {
    name: 'predictions',
    onTrainBegin() {
      for (const split of splits) {
        const d = ctx.data[split];
        const sp = samplesPayload(d);
        ctx.emit({ type: 'samples', split, n: d.n, shape: d.shape, encoding: sp.encoding, lo: sp.lo, hi: sp.hi, labels: Array.from(d.y), data: bytesToBase64(sp.bytes) });
      }
    },
    onRequest(name) { if (name === 'evaluate') requested = true; },
    async onBatchBegin(_step, epoch) {
      if (!requested) return;
      requested = false;
      await emitPredictions(epoch, false);
    },
    onEpochEvaluate(epoch) {
      return options.every > 0 && (epoch + 1) % options.every === 0 ? emitPredictions(epoch) : undefined;
    },
    async onFinalModel(end) {
      if (end.status !== 'diverged' && end.finalEpoch >= 0 && !predicted.has(end.finalEpoch)) await emitPredictions(end.finalEpoch);
    },
  };
}

export const predictionsInstrument = defineEngineInstrument({
  definition: predictions,
  hook: predictionsHook,
});
