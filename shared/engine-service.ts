// The engine as one typed service: what a renderer may ask of it, each command with the schema
// its arguments are checked against. Every process boundary (renderer -> Electron main or the
// browser-mode server -> the engine process) validates with these schemas and dispatches with
// `dispatch`, so adding a command means adding it here and implementing it where it is served.
import { z } from 'zod';
import { TOOL_IDS } from './tools/registry.ts';
import { MODEL_FILE_COMMANDS } from './model-files.ts';

export const ENGINE_COMMANDS = {
  /** train a run described by a spec */
  start: { spec: z.unknown() },
  pause: {},
  resume: {},
  /** stops the training run, or the tool that runs */
  stop: {},
  /** per-sample predictions of the training run with its current weights, at its next step */
  evaluate: {},
  /** a debugging tool on a spec (overfit check, gradient check...), not while a run trains */
  tool: {
    tool: z.enum(TOOL_IDS), spec: z.unknown(), options: z.record(z.string(), z.unknown()).optional(),
    /** chosen by the renderer that asks: the replies carry it, so a refusal reaches the one who asked */
    requestId: z.string().max(64).optional(),
  },
  ...MODEL_FILE_COMMANDS,
} satisfies Record<string, z.ZodRawShape>;

type Commands = typeof ENGINE_COMMANDS;
export type EngineCommandName = keyof Commands;
// Commands without arguments are just their type (z.output of an empty object is Record<string, never>).
type Args<S extends z.ZodRawShape> = keyof S extends never ? unknown : z.output<z.ZodObject<S>>;
export type EngineCommand = { [K in EngineCommandName]: { type: K } & Args<Commands[K]> }[EngineCommandName];
export type EngineCommandOf<K extends EngineCommandName> = Extract<EngineCommand, { type: K }>;

/** What serves the engine's commands: the supervisor in a host, the engine process itself. */
export type EngineService = { [K in EngineCommandName]: (command: EngineCommandOf<K>) => void };

const variants = Object.entries(ENGINE_COMMANDS).map(([type, shape]) => z.strictObject({ type: z.literal(type), ...shape }));
export const engineCommandSchema = z.discriminatedUnion('type', variants as unknown as [z.ZodObject, ...z.ZodObject[]]);

export function dispatch(service: EngineService, command: EngineCommand): void {
  (service[command.type] as (c: EngineCommand) => void)(command);
}

/** One line naming the field and the problem. */
export function issueText(e: z.ZodError, what = 'message'): string {
  const i = e.issues[0];
  return `${i.path.join('.') || what}: ${i.message}`;
}
