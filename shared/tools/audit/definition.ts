// The data audit of the training labels: K models, each trained on K-1 folds of the training
// split, predict the fold they did not see, so every training sample gets an out-of-sample
// prediction; confident learning then flags the labels that look wrong. The result carries the
// whole split's summary and, for the browser, the flagged samples and the least self-confident
// ones (the training split itself is too large to send whole).
import { z } from 'zod';
import { defineTool } from '../framework/define.ts';
import { num } from '../../json-number.ts';

const labelIssues = z.object({
  estimated: num,
  flagged: z.number().int(),
  noiseMatrix: z.array(z.array(num)),
  thresholds: z.array(num),
});

const result = z.object({
  folds: z.number().int(),
  /** training samples audited */
  n: z.number().int(),
  classes: z.number().int(),
  classNames: z.array(z.string()).nullable(),
  /** out-of-sample accuracy of the fold models, each on the fold it did not see */
  foldAccuracy: z.array(num),
  accuracy: num,
  /** the share of the largest class: what guessing it scores */
  baseRate: num,
  /** confusion[given][predicted] over every training sample, out of sample */
  confusion: z.array(z.array(z.number().int())),
  labelIssues,
  /** 'binary': one sigmoid unit, its class decided at the spec's predictions.threshold */
  task: z.enum(['multiclass', 'binary']),
  /** the most samples the result could carry (their inputs are capped at 64 MB) */
  shownCap: z.number().int(),
  /** the samples carried for the browser: every flagged one first (up to the limit), then the least self-confident, by self-confidence */
  samples: z.object({
    /** each one's row in the data source (0-based: a CSV's data rows after the header, an IDX file's records), as a person finds it in their files */
    indices: z.array(z.number().int()),
    labels: z.array(z.number().int()),
    shape: z.array(z.number().int()),
    encoding: z.enum(['u8', 'f32']),
    lo: num,
    hi: num,
    /** the inputs, base64 (see the samples event) */
    data: z.string(),
    /** their predictions packed as the predictions event packs them (shared/instruments/predictions/packing.ts), base64 */
    predictions: z.string(),
    k: z.number().int(),
  }),
  /**
   * Held-out samples with a near twin in the training split: the cosine similarity of their inputs
   * at or above `threshold` (exact copies included). `pairs` holds the closest ones (at most 48)
   * with both inputs, encoded as the samples are.
   */
  nearTwins: z.object({
    threshold: num,
    counts: z.object({ validation: z.number().int(), test: z.number().int() }),
    pairs: z.array(z.object({ split: z.enum(['validation', 'test']), row: z.number().int(), trainRow: z.number().int(), similarity: num })),
    /** the pairs' inputs, base64: per pair the held-out sample, then its training twin */
    data: z.string(),
    /**
     * Every held-out sample with a twin (at most MAX_MARKED per split), as [its position in its
     * split, the twin's training row, the similarity]: the Misclassified view marks them.
     * Absent in results of older versions.
     */
    marked: z.object({
      validation: z.array(z.tuple([z.number().int(), z.number().int(), num])),
      test: z.array(z.tuple([z.number().int(), z.number().int(), num])),
    }).optional(),
  }),
  backend: z.string(),
  durationMs: num,
});

export const auditTool = defineTool({
  id: 'audit',
  title: 'Audit data',
  summary: 'cross-validated audit of the training labels: which look wrong (confident learning), how many, and between which classes',
  version: 1,
  options: {
    folds: z.number().int().min(2).max(20).optional().describe('models trained, each without one fold of the training split (default 5)'),
    show: z.number().int().min(1).max(20000).optional().describe('samples carried to the browser: the flagged ones, then the least self-confident (default 2000)'),
  },
  result,
});

export type AuditResult = z.output<typeof result>;

/**
 * The fold models learned too little for their predictions to judge labels: out of sample, they
 * close less than half the gap between guessing the largest class and being always right. Then
 * most flags are the models' own errors.
 */
export function auditModelsWeak(r: Pick<AuditResult, 'accuracy' | 'baseRate'>): boolean {
  return r.accuracy < r.baseRate + 0.5 * (1 - r.baseRate);
}

export function weakModelsNote(r: Pick<AuditResult, 'accuracy' | 'baseRate'> & { labelIssues: { flagged: number } }): string {
  return `the fold models are weak (out-of-sample accuracy ${(r.accuracy * 100).toFixed(1)}% against ${(r.baseRate * 100).toFixed(1)}% by guessing the largest class): most of the ${r.labelIssues.flagged.toLocaleString('en')} flags are likely their own errors, not wrong labels; train a better model first`;
}
