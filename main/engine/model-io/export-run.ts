// A finished run, out of Trainscope: its model as Keras 3 (.keras), legacy Keras (.h5), the tfjs
// layers format, a BN-folded inference model (.keras), its spec, or a Keras Python script that
// trains the same thing. The weights are the run's best checkpoint when it kept one, else the
// weights it ended with (checkpoints/final, after any best-weights restore).
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { RunStartEvent, SamplesEvent } from '../../../shared/events.ts';
import type { RunSpec } from '../../../shared/spec.ts';
import { InputError } from '../errors.ts';
import { loadModel } from '../run/model-io.ts';
import { CHECKPOINT_DIR, FINAL_CHECKPOINT, readRun, withData } from '../run/run-folder.ts';
import { base64ToBytes } from '../../../shared/base64.ts';
import { foldBatchNorm, foldedOutputDifference } from './bn-fold.ts';
import { neutralFromTfjs } from './from-tfjs.ts';
import { kerasScriptWithNotes } from './python-script.ts';
import { writeH5, writeKeras, writeTfjs } from './write-keras.ts';

export const EXPORT_FORMATS = ['keras', 'h5', 'tfjs', 'folded', 'spec', 'python'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export type WeightsChoice = 'best' | 'final';

export interface ExportResult {
  /** the file (or the folder, for tfjs) written */
  path: string;
  /** which weights went in (none for spec and python) */
  weights: string | null;
  /** what the user should know: folded layers, the maximum output difference, approximations in the script */
  notes: string[];
  /** folded: the largest difference between the folded and the original model's outputs */
  maxAbsDiff?: number;
}

const EXT: Record<ExportFormat, string> = { keras: '.keras', h5: '.h5', tfjs: '', folded: '.folded.keras', spec: '.spec.json', python: '.py' };

/** Where a run's weights are: the best checkpoint (training.checkpoint with saveBestOnly), else the final weights, else the latest checkpoint. */
function weightsDir(runDir: string, choice: WeightsChoice | undefined): string {
  const dir = (n: string) => join(runDir, CHECKPOINT_DIR, n);
  const order = choice === 'final' ? [FINAL_CHECKPOINT] : choice === 'best' ? ['best'] : ['best', FINAL_CHECKPOINT, 'latest'];
  const found = order.map(dir).find((d) => existsSync(join(d, 'model.json')));
  if (!found) {
    throw new InputError(runDir, choice === 'best'
      ? 'has no best checkpoint (set training.checkpoint to keep one), use --weights final'
      : 'holds no saved weights (a run from before Trainscope kept its final weights, a diverged run, or one that failed): train it again to export it');
  }
  return found;
}

/** Inputs to compare the folded model on: the samples the run stored (as the model saw them), else seeded gaussian ones. */
function comparisonInputs(events: ReturnType<typeof readRun>['events'], runDir: string, inputShape: number[]): tf.Tensor {
  const s = events.filter((e): e is SamplesEvent => e.type === 'samples' && Boolean(e.data)).map((e) => withData(runDir, e))[0];
  const size = inputShape.reduce((a, b) => a * b, 1);
  if (s?.data) {
    const bytes = base64ToBytes(s.data);
    const x = s.encoding === 'u8'
      ? Float32Array.from(bytes, (b) => s.lo + (b / 255) * (s.hi - s.lo))
      : new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const n = Math.min(s.n, Math.floor(x.length / size), 512);
    if (n > 0) return tf.tensor(x.subarray(0, n * size), [n, ...inputShape]);
  }
  return tf.randomNormal([256, ...inputShape], 0, 1, 'float32', 1);
}

export async function exportRun(runDirIn: string, format: ExportFormat, opts: { out?: string; weights?: WeightsChoice } = {}): Promise<ExportResult> {
  const runDir = resolve(runDirIn);
  const run = readRun(runDir);
  const start = run.events.find((e): e is RunStartEvent => e.type === 'run-start');
  if (!start) throw new InputError(runDir, 'has no run-start event: the run never started');
  const spec = start.spec as RunSpec;
  const inputShape = start.data.inputShape;
  const path = resolve(opts.out ?? join(runDir, 'export', `${basename(runDir)}${EXT[format]}`));
  mkdirSync(format === 'tfjs' ? path : dirname(path), { recursive: true });
  const notes: string[] = [];

  if (format === 'spec') {
    writeFileSync(path, `${JSON.stringify(spec, null, 2)}\n`);
    return { path, weights: null, notes };
  }
  if (format === 'python') {
    const r = kerasScriptWithNotes(spec, { inputShape, classes: start.data.classes, weightsFile: `${basename(runDir)}.keras` });
    writeFileSync(path, r.script);
    notes.push(...r.notes);
    return { path, weights: null, notes };
  }
  const from = weightsDir(runDir, opts.weights);
  const which = basename(from);
  const model = await loadModel(from);
  try {
    const neutral = neutralFromTfjs(model, spec.model.layers, inputShape);
    // (written from the spec's layers, not copied: the checkpoint's topology lacks the max-norm the trainer applies itself)
    if (format === 'tfjs') await writeTfjs(neutral, path);
    else if (format === 'keras') await writeKeras(neutral, path);
    else if (format === 'h5') await writeH5(neutral, path);
    else {
      const folded = foldBatchNorm(neutral);
      await writeKeras(folded.model, path);
      const x = comparisonInputs(run.events, runDir, inputShape);
      const maxAbsDiff = await foldedOutputDifference(neutral, folded.model, x);
      x.dispose();
      notes.push(folded.folded.length ? `folded into the layer before or after: ${folded.folded.join(', ')}` : 'no batch normalisation to fold');
      for (const k of folded.kept) notes.push(`kept ${k.layer}: ${k.why}`);
      notes.push(`largest output difference against the unfolded model: ${maxAbsDiff.toExponential(2)}`);
      return { path, weights: which, notes, maxAbsDiff };
    }
    return { path, weights: which, notes };
  } finally {
    model.dispose();
  }
}
