// `trainscope`: train, inspect, doctor, schema. Exit codes: 0 success, 1 the run failed or
// diverged, 2 bad input (spec, data, arguments).
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { InputError } from '../engine/errors.ts';
import { trainCommand } from './commands/train.ts';
import { inspectCommand } from './commands/inspect.ts';
import { doctorCommand } from './commands/doctor.ts';
import { serveCommand } from './commands/serve.ts';
import { overfitCommand } from './commands/overfit.ts';
import { gradcheckCommand } from './commands/gradcheck.ts';
import { initExplorerCommand } from './commands/init-explorer.ts';
import { specJsonSchema } from '../../shared/spec.ts';

const USAGE = `usage: trainscope <command> [options]

commands:
  train <spec.json> [--out DIR] [--backend auto|node-gpu|node|wasm|cpu]
                        train a run described by a spec; writes a run folder under DIR (default ./runs)
  inspect <runDir> [--json]
                        summary of a run folder (status, backend, epochs, layers, final metrics)
  overfit <spec.json> [--json] [--samples N] [--steps N] [--backend ...]
                        can the model fit a small subset? exit 0 pass, 1 fail (with the likely reason), 2 bad input
  gradcheck <spec.json> [--json] [--backend ...]
                        backprop gradients against finite differences, per variable
  init-explorer <spec.json> [--json] [--draws N] [--backend ...]
                        activations through the model over many initialisations, Glorot vs He vs LeCun vs N(0,1)
  doctor [--json]       which TensorFlow.js backends load here, and why the others do not
  schema                the JSON Schema of the run spec
  serve [--port N] [--runs DIR]
                        browser mode: the app on http://127.0.0.1 with a per-session token URL
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest, allowPositionals: true, strict: true,
    options: { out: { type: 'string' }, backend: { type: 'string' }, json: { type: 'boolean' }, port: { type: 'string' }, runs: { type: 'string' }, samples: { type: 'string' }, steps: { type: 'string' }, draws: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  switch (command) {
    case 'train':
      if (positionals.length !== 1) throw new InputError('train', 'expects one spec file: trainscope train <spec.json>');
      return trainCommand(positionals[0], { out: resolve(values.out ?? 'runs'), backend: (values.backend ?? 'auto') as never });
    case 'inspect':
      if (positionals.length !== 1) throw new InputError('inspect', 'expects one run folder: trainscope inspect <runDir>');
      return inspectCommand(positionals[0], Boolean(values.json));
    case 'overfit': {
      if (positionals.length !== 1) throw new InputError('overfit', 'expects one spec file: trainscope overfit <spec.json>');
      const int = (name: string, v: string | undefined) => {
        if (v === undefined) return undefined;
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new InputError(`--${name}`, `"${v}" is not a positive whole number`);
        return n;
      };
      return overfitCommand(positionals[0], { json: Boolean(values.json), backend: (values.backend ?? 'auto') as never, samples: int('samples', values.samples), steps: int('steps', values.steps) });
    }
    case 'init-explorer': {
      if (positionals.length !== 1) throw new InputError('init-explorer', 'expects one spec file: trainscope init-explorer <spec.json>');
      const draws = values.draws === undefined ? undefined : Number(values.draws);
      if (draws !== undefined && !(Number.isInteger(draws) && draws > 0)) throw new InputError('--draws', `"${values.draws}" is not a positive whole number`);
      return initExplorerCommand(positionals[0], { json: Boolean(values.json), backend: (values.backend ?? 'auto') as never, draws });
    }
    case 'gradcheck':
      if (positionals.length !== 1) throw new InputError('gradcheck', 'expects one spec file: trainscope gradcheck <spec.json>');
      return gradcheckCommand(positionals[0], { json: Boolean(values.json), backend: (values.backend ?? 'auto') as never });
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
      throw new InputError(command, `unknown command (commands: train, inspect, overfit, gradcheck, init-explorer, doctor, schema, serve)`);
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    if (e instanceof InputError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`trainscope: ${(e as Error).message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`trainscope: internal error: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 1;
    }
  },
);
