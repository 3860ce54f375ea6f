// The sweep spec: a base run spec, the parameters to vary (addressed by their path in the run
// spec), how to choose their values (grid, seeded random, successive halving), and the metric.
// One schema, as for the run spec: the CLI validates with it, `trainscope schema --sweep` could
// print it, and the app's Sweeps view builds the same object.
import { z } from 'zod';

export const SWEEP_METRICS = ['val_loss', 'val_accuracy', 'train_loss', 'train_accuracy'] as const;
export type SweepMetric = (typeof SWEEP_METRICS)[number];

const json: z.ZodType<unknown> = z.unknown();
const range = (what: string) => z.tuple([z.number(), z.number()]).describe(what);

/** One parameter: a list of values, or a range to draw from. Exactly one of the four. */
export const parameterSchema = z.union([
  z.strictObject({
    values: z.array(json).min(1).max(1000).describe('the values to try (any JSON: numbers, strings, whole objects such as an optimizer)'),
    labels: z.array(z.string().min(1).max(80)).optional().describe('a short name for each value, shown instead of it (e.g. for a whole layer list)'),
  }),
  z.strictObject({ uniform: range('[low, high]: drawn uniformly') }),
  z.strictObject({ log_uniform: range('[low, high], both > 0: drawn uniformly in log space (learning rates, regularisation)') }),
  z.strictObject({ int_uniform: range('[low, high], integers, both included') }),
]);
export type SweepParameter = z.infer<typeof parameterSchema>;

const ashaSchema = z.strictObject({
  minEpochs: z.number().int().min(1).default(1).describe('the first rung: every trial trains this many epochs'),
  maxEpochs: z.number().int().min(1).describe('the most a trial trains; the base spec\'s training.epochs is replaced by this'),
  reductionFactor: z.number().int().min(2).default(3).describe('eta: a trial goes on past a rung only if it is in the top 1/eta there'),
});

export const sweepSpecSchema = z.strictObject({
  name: z.string().min(1).max(100).regex(/^[\w.-]+$/, 'letters, digits, _ . - only (it names the sweep\'s folder)').describe('names the sweep\'s folder'),
  description: z.string().optional(),
  base: z.union([z.string().min(1), z.record(z.string(), json)]).describe('the base run spec: a path (relative to the sweep file) or the spec itself'),
  method: z.enum(['grid', 'random', 'asha']).describe('grid: every combination of values; random: `trials` draws; asha: random draws, stopped early by successive halving'),
  trials: z.number().int().min(1).max(10_000).optional().describe('how many configurations (grid: at most the grid\'s size, default all of it)'),
  seed: z.number().int().min(0).default(1).describe('makes random draws repeatable'),
  metric: z.enum(SWEEP_METRICS).default('val_loss').describe('what a trial is judged by, per epoch'),
  goal: z.enum(['minimize', 'maximize']).optional().describe('default: minimize a loss, maximize an accuracy'),
  concurrency: z.number().int().min(1).max(64).optional().describe('at most this many trials at once (default: one per engine, --workers; through a queue, every trial is queued and the workers take them)'),
  asha: ashaSchema.optional().describe('successive halving\'s rungs (method asha only)'),
  parameters: z.record(z.string().min(1), parameterSchema).describe('spec path -> values or a range, e.g. "training.optimizer.learningRate": {"log_uniform": [1e-4, 0.1]}'),
});

export type SweepInput = z.input<typeof sweepSpecSchema>;
/** A checked sweep: goal and trials always filled in. */
export type SweepSpec = Omit<z.output<typeof sweepSpecSchema>, 'goal' | 'trials'> & { goal: 'minimize' | 'maximize'; trials: number };

/** JSON Schema of the sweep file as a user writes it. */
export function sweepJsonSchema(): object {
  return z.toJSONSchema(sweepSpecSchema, { io: 'input', unrepresentable: 'any' });
}
