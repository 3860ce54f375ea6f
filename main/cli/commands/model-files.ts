// `trainscope import <model>`: the spec equivalent to a Keras or tfjs model file.
// `trainscope export <runDir> --format ...`: a run's model as Keras, tfjs, folded, a spec or a script.
import { writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { InputError } from '../../engine/errors.ts';
import { importedSpec } from '../../engine/model-io/imported-spec.ts';
import { readModel } from '../../engine/model-io/read-model.ts';
import { EXPORT_FORMATS, exportRun, type ExportFormat, type WeightsChoice } from '../../engine/model-io/export-run.ts';
import { loadSpecFile } from '../spec-file.ts';

const count = (n: number) => n.toLocaleString('en');

export async function importCommand(modelPath: string, opts: { out?: string; base?: string }): Promise<number> {
  const file = resolve(modelPath);
  const m = await readModel(file);
  const base = opts.base ? loadSpecFile(opts.base).spec : undefined;
  // (the spec names the file relative to where it is saved, so the two can move together)
  const path = opts.out ? relative(dirname(resolve(opts.out)), file) || file : file;
  const { spec, notes } = importedSpec(m, path, base);
  const weights = m.weights ? Object.values(m.weights).flat().reduce((a, w) => a + w.values.length, 0) : 0;
  process.stderr.write(`${modelPath}: ${m.format}${m.producer ? ` (${m.producer})` : ''}, ${m.layers.length} layers, input [${m.inputShape.join(', ')}], ${m.weights ? `${count(weights)} weights` : 'no weights'}\n`);
  for (const n of notes) process.stderr.write(`  ${n}\n`);
  const text = `${JSON.stringify(spec, null, 2)}\n`;
  if (opts.out) {
    writeFileSync(opts.out, text);
    process.stdout.write(`${resolve(opts.out)}\n`);
  } else {
    process.stdout.write(text);
  }
  return 0;
}

export async function exportCommand(runDir: string, opts: { format?: string; out?: string; weights?: string }): Promise<number> {
  if (!opts.format) throw new InputError('--format', `is required: one of ${EXPORT_FORMATS.join(', ')}`);
  if (!(EXPORT_FORMATS as readonly string[]).includes(opts.format)) throw new InputError('--format', `"${opts.format}" is not one of ${EXPORT_FORMATS.join(', ')}`);
  if (opts.weights !== undefined && opts.weights !== 'best' && opts.weights !== 'final') throw new InputError('--weights', `"${opts.weights}" is not best or final`);
  const r = await exportRun(runDir, opts.format as ExportFormat, { out: opts.out, weights: opts.weights as WeightsChoice | undefined });
  if (r.weights) process.stderr.write(`weights: checkpoints/${r.weights}\n`);
  for (const n of r.notes) process.stderr.write(`${n}\n`);
  process.stdout.write(`${r.path}\n`);
  return 0;
}
