// `trainscope`: train, inspect, the registered tools, doctor, schema, serve. Exit codes: 0
// success, 1 the run failed or diverged (a tool: its check failed), 2 bad input (spec, data, arguments).
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { InputError, ToolFailed } from '../engine/errors.ts';
import type { BackendChoice } from '../engine/backends/select.ts';
import { trainCommand } from './commands/train.ts';
import { inspectCommand } from './commands/inspect.ts';
import { doctorCommand } from './commands/doctor.ts';
import { serveCommand } from './commands/serve.ts';
import { sweepCommand } from './commands/sweep.ts';
import { sweepInspectCommand } from './commands/sweep-inspect.ts';
import { workerCommand } from './commands/worker.ts';
import { toolCommand, toolFlags } from './commands/tool.ts';
import { exportCommand, importCommand } from './commands/model-files.ts';
import { ENGINE_TOOLS, engineTool } from '../engine/tools/registry.ts';
import { specJsonSchema } from '../../shared/spec.ts';

// A reader that stops early (`trainscope sweep-inspect dir | head`) closes the pipe: that ends
// the output, and is not an error to print a stack for.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); else throw e; });
}

const BACKENDS = 'auto|node-gpu|node|wasm|cpu';
const toolUsage = ENGINE_TOOLS.map((t) => {
  const flags = toolFlags(t).map((f) => ` [--${f} N]`).join('');
  return `  ${t.definition.id} <spec.json> [--json]${flags} [--backend ...]\n                        ${t.definition.summary}`;
}).join('\n');

const USAGE = `usage: trainscope <command> [options]

commands:
  train <spec.json> [--out DIR] [--backend ${BACKENDS}]
                        train a run described by a spec; writes a run folder under DIR (default ./runs)
  inspect <runDir> [--json]
                        summary of a run folder (status, backend, epochs, layers, final metrics)
${toolUsage}
  sweep <sweep.json> [--out DIR] [--workers N | --queue redis://HOST:PORT] [--json] [--backend ...]
                        a hyperparameter search (grid, random, successive halving): its trials
                        train on N engine processes (default: one per core but one), or on
                        \`trainscope worker\`s through a Redis queue; each trial a run folder in
                        DIR/<sweep name> (default ./runs); run it again to resume
  sweep --preset optimizers|initializers|activations|batchnorm|schedules <spec.json> [...]
                        one of the course's comparisons of a run spec, as a grid sweep
  worker --queue redis://HOST:PORT [--backend ...]
                        trains sweep trials from the queue on this machine, until Ctrl-C
  sweep-inspect <sweepDir> [--json]
                        a sweep's trials, its best configuration and how much each parameter mattered
  import <model.keras|model.h5|model.json> [--out spec.json] [--base spec.json]
                        the run spec equivalent to a Keras or TensorFlow.js model (its layers,
                        and model.import to load its weights); data and training from --base
  export <runDir> --format keras|h5|tfjs|folded|spec|python [--out PATH] [--weights best|final]
                        a run's model as Keras 3 (.keras), legacy Keras (.h5), TensorFlow.js, an
                        inference model with batch normalisation folded in, its spec, or a Keras
                        script that trains the same model (default: DIR/export/)
  doctor [--json]       which TensorFlow.js backends load here, and why the others do not;
                        where the named datasets (fashion-mnist, mnist) were found
  schema                the JSON Schema of the run spec
  serve [--port N] [--runs DIR]
                        browser mode: the app on http://127.0.0.1 with a per-session token URL
`;

const COMMON = { out: { type: 'string' }, format: { type: 'string' }, base: { type: 'string' }, weights: { type: 'string' }, workers: { type: 'string' }, queue: { type: 'string' }, preset: { type: 'string' }, backend: { type: 'string' }, json: { type: 'boolean' }, port: { type: 'string' }, runs: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;
const TOOL_FLAGS = Object.fromEntries(ENGINE_TOOLS.flatMap(toolFlags).map((f) => [f, { type: 'string' as const }]));

// The engine checks the name (selectBackend) before loading anything: one place says what is valid.
const backendOf = (v: string | undefined) => (v ?? 'auto') as BackendChoice;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, strict: true, options: { ...COMMON, ...TOOL_FLAGS } });
  const tool = command ? engineTool(command) : undefined;
  if (tool) {
    if (positionals.length !== 1) throw new InputError(command, `expects one spec file: trainscope ${command} <spec.json>`);
    const own = new Set(toolFlags(tool));
    const stray = Object.keys(TOOL_FLAGS).find((f) => !own.has(f) && (values as Record<string, unknown>)[f] !== undefined);
    if (stray) throw new InputError(`--${stray}`, `is not an option of ${command}${own.size ? ` (its options: ${[...own].map((f) => `--${f}`).join(', ')})` : ''}`);
    return toolCommand(tool, positionals[0], { json: Boolean(values.json), backend: backendOf(values.backend), flags: values as Record<string, string | undefined> });
  }
  const strayToolFlag = Object.keys(TOOL_FLAGS).find((f) => (values as Record<string, unknown>)[f] !== undefined);
  if (strayToolFlag) throw new InputError(`--${strayToolFlag}`, `is an option of ${ENGINE_TOOLS.filter((t) => toolFlags(t).includes(strayToolFlag)).map((t) => t.definition.id).join(', ')}, not of ${command ?? 'trainscope'}`);
  switch (command) {
    case 'train':
      if (positionals.length !== 1) throw new InputError('train', 'expects one spec file: trainscope train <spec.json>');
      return trainCommand(positionals[0], { out: resolve(values.out ?? 'runs'), backend: backendOf(values.backend) });
    case 'inspect':
      if (positionals.length !== 1) throw new InputError('inspect', 'expects one run folder: trainscope inspect <runDir>');
      return inspectCommand(positionals[0], Boolean(values.json));
    case 'sweep': {
      if (positionals.length !== 1) throw new InputError('sweep', 'expects one sweep file: trainscope sweep <sweep.json>');
      const workers = values.workers === undefined ? undefined : Number(values.workers);
      if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1 && workers <= 64)) throw new InputError('--workers', `"${values.workers}" is not a whole number from 1 to 64`);
      if (workers !== undefined && values.queue !== undefined) throw new InputError('--workers', 'runs trials on local engines; with --queue the workers are `trainscope worker` processes: give one or the other');
      return sweepCommand(positionals[0], { out: resolve(values.out ?? 'runs'), backend: backendOf(values.backend), workers, queue: values.queue, preset: values.preset, json: Boolean(values.json) });
    }
    case 'worker':
      if (positionals.length) throw new InputError('worker', 'takes no files: trainscope worker --queue redis://host:6379');
      if (values.queue === undefined) throw new InputError('worker', 'needs the queue: trainscope worker --queue redis://host:6379');
      return workerCommand(values.queue, backendOf(values.backend));
    case 'sweep-inspect':
      if (positionals.length !== 1) throw new InputError('sweep-inspect', 'expects one sweep folder: trainscope sweep-inspect <sweepDir>');
      return sweepInspectCommand(positionals[0], Boolean(values.json));
    case 'import':
      if (positionals.length !== 1) throw new InputError('import', 'expects one model file: trainscope import <model.keras|model.h5|model.json>');
      return importCommand(positionals[0], { out: values.out, base: values.base });
    case 'export':
      if (positionals.length !== 1) throw new InputError('export', 'expects one run folder: trainscope export <runDir> --format keras');
      return exportCommand(positionals[0], { format: values.format, out: values.out, weights: values.weights });
    case 'doctor':
      return doctorCommand(Boolean(values.json));
    case 'serve': {
      const port = values.port === undefined ? undefined : Number(values.port);
      if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) throw new InputError('--port', `"${values.port}" is not a port number`);
      return serveCommand({ port, runs: values.runs ?? 'runs' });
    }
    case 'schema':
      process.stdout.write(`${JSON.stringify(specJsonSchema(), null, 2)}\n`);
      return 0;
    case undefined: case 'help': case '--help': case '-h':
      process.stdout.write(USAGE);
      return command ? 0 : 2;
    default:
      throw new InputError(command, `unknown command (commands: train, inspect, sweep, sweep-inspect, worker, ${ENGINE_TOOLS.map((t) => t.definition.id).join(', ')}, import, export, doctor, schema, serve)`);
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    if (e instanceof InputError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`trainscope: ${(e as Error).message}\n`);
      process.exitCode = 2;
    } else if (e instanceof ToolFailed) {
      process.stderr.write(`trainscope: ${e.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`trainscope: internal error: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 1;
    }
  },
);
