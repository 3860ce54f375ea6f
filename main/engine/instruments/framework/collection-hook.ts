// The collection, as a training hook: every `instruments.every` steps (and at a non-finite loss)
// it reads back what the active instruments need (the raw gradients before the update, the
// weights after it and before it), hands the numbers to the reducer and emits the collection
// when the payloads come back. Before the first step it takes the init snapshot: the
// instruments that need no gradient, on the initial model, with the initial loss.
import * as tf from '@tensorflow/tfjs';
import type { HookContext, TrainingHook, GradientsInfo, BatchInfo } from '../../train/hooks.ts';
import type { EngineInstrument } from './instrument.ts';
import { readsAtInit } from './instrument.ts';
import { createReducer, type CollectionInput, type Reducer } from './reducer.ts';
import { readsOf, reduceAll, type Reduced } from './reduce.ts';
import { ProbePass } from './probe.ts';
import { allWeightsFlat, concatFlat } from './variables.ts';
import { globalNorm } from '../../optim/clip.ts';
import { readFlat } from '../../train/readback.ts';
import { evaluate } from '../../train/evaluate.ts';
import { expectedInitialLoss } from '../../diagnosis/expected-loss.ts';

/** Collections allowed in flight in the worker before the loop waits for the oldest. */
const MAX_IN_FLIGHT = 3;

export function collectionHook(ctx: HookContext, instruments: readonly EngineInstrument[], offThread: boolean): TrainingHook {
  const { spec, built } = ctx;
  const model = built.model;
  const reads = readsOf(instruments);
  const reducing = instruments.some((i) => i.reduce); // nothing to collect when every such instrument is switched off
  const readWeights = reads.weights || reads.before || reads.probe;
  const probeSet = ctx.probe;
  const probeShape = [probeSet.n, ...probeSet.shape];
  const rctx = ctx.described;
  const gradNames = model.trainableWeights.map((w) => w.name);
  let reducer: Reducer | null = null;
  let inFlight: Promise<void>[] = [];
  let lastCollected = -2;
  /** what onGradients read for the current step, completed in onBatchEnd */
  let pending: { t0: number; grads: Promise<Float32Array | null>; clippedNorm: Promise<number | null>; before: tf.Tensor | null } | null = null;

  const emitReduced = (out: Reduced, costMs: number) => {
    ctx.emit({ type: 'collection', step: out.step, epoch: out.epoch, payloads: out.payloads, costMs });
    for (const e of out.errors) ctx.emit({ type: 'warning', step: out.step, message: `${e.instrument}: the statistics of step ${out.step} could not be computed: ${e.message}` });
  };

  /** The instruments that need no gradient, on the initial model, and the initial loss. */
  async function initSnapshot() {
    const atInit = instruments.filter(readsAtInit);
    let payloads = {};
    if (atInit.length) {
      const pass = readsOf(atInit).probe ? new ProbePass(model, built.layers.map((l) => l.name), tf.tensor(probeSet.x, probeShape)) : null;
      const probe = pass ? await pass.run() : null;
      pass?.dispose();
      const weights = readsOf(atInit).weights ? await readFlat(allWeightsFlat(model)) : null;
      const r = reduceAll(atInit, rctx, { step: 0, epoch: 0, grads: null, clippedNorm: null, weights, before: null, probe });
      payloads = r.payloads;
      for (const e of r.errors) ctx.emit({ type: 'warning', step: 0, message: `${e.instrument}: the initial statistics could not be computed: ${e.message}` });
    }
    const loss = (await evaluate(model, probeSet, spec))?.loss ?? NaN;
    return { payloads, loss, expectedLoss: expectedInitialLoss(spec, probeSet.classes, model.outputs[0].shape[1] as number) };
  }

  return {
    name: 'collection',

    async onTrainBegin() {
      const init = await initSnapshot();
      if (reducing) { // with every collection instrument off there is no worker to start
        const made = await createReducer(model, rctx, tf.tensor(probeSet.x, probeShape), instruments, offThread);
        reducer = made.reducer;
        if (made.why) ctx.emit({ type: 'warning', step: 0, message: made.why });
      }
      ctx.emit({ type: 'init', ...init });
    },

    onGradients(b: GradientsInfo) {
      if (!reducing || !(b.step % spec.instruments.every === 0 || b.nonFinite)) return;
      const t0 = performance.now();
      // The weights before the update, unless the previous step was collected: its "after" are these.
      const before = reads.before && lastCollected !== b.step - 1 ? allWeightsFlat(model) : null;
      pending = {
        t0, before,
        grads: reads.gradients ? readFlat(concatFlat(gradNames.map((n) => b.grads[n]))) : Promise.resolve(null),
        clippedNorm: reads.gradients && b.clipped ? readFlat(globalNorm(gradNames.map((n) => b.clipped![n]))).then((v) => v[0]) : Promise.resolve(null),
      };
    },

    async onBatchEnd(b: BatchInfo) {
      if (!pending || !reducer) return;
      const p = pending;
      pending = null;
      const input: CollectionInput = {
        step: b.step, epoch: b.epoch, grads: await p.grads, clippedNorm: await p.clippedNorm,
        weights: readWeights ? await readFlat(allWeightsFlat(model)) : null,
        before: p.before ? await readFlat(p.before) : null,
      };
      lastCollected = b.step;
      const readMs = performance.now() - p.t0;
      const inline = reducer.readsLiveModel;
      const job = reducer.submit(input).then(
        (out) => emitReduced(out, inline ? performance.now() - p.t0 : readMs),
        (e: Error) => {
          ctx.emit({ type: 'warning', step: b.step, message: `the statistics of step ${b.step} could not be computed: ${e.message}` });
          lastCollected = -2; // the reducer may not hold this step's weights
        },
      );
      if (inline) { await job; return; } // it reads the live model: no update may happen before it is done
      inFlight.push(job);
      void job.finally(() => { inFlight = inFlight.filter((j) => j !== job); });
      // Back-pressure: if the worker falls behind, the loop waits rather than queueing without bound.
      if (inFlight.length >= MAX_IN_FLIGHT) await inFlight[0];
    },

    async onTrainEnd() {
      await Promise.all(inFlight);
    },

    async dispose() {
      pending?.before?.dispose();
      pending = null;
      await Promise.all(inFlight).catch(() => undefined);
      await reducer?.close();
    },
  };
}
