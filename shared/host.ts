// The one interface the views use to reach an engine, whichever host runs it (the Electron
// preload bridge or the browser mode's WebSocket), and the messages behind it. Every message
// that enters a host from a renderer is validated here before anything acts on it.
import { MAX_JSON_DEPTH, nestedDeeperThan } from './json-limits.ts';
import { z } from 'zod';
import type { ModelFileMessage } from './model-files.ts';
import type { RunEndEvent, RunEvent } from './events.ts';
import { ENGINE_COMMANDS, issueText, type EngineCommand } from './engine-service.ts';
import type { ToolId } from './tools/registry.ts';
import type { SweepView } from './sweep/view.ts';

/** 2: the debugging tools are one `tool` command and `tool-progress` / `tool-result` messages. */
export const HOST_PROTOCOL_VERSION = 2;

/** An example spec the user can start from (assets/specs). */
export interface Preset { id: string; title: string; description: string; spec: unknown; demo: boolean }

export type EngineState =
  | { state: 'idle' }
  | { state: 'running'; runId: string; paused: boolean }
  | { state: 'crashed'; runId: string | null; reason: string };

/** Renderer -> host: a hello, or a command for the engine (shared/engine-service.ts). */
export const commandSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('hello'), v: z.number().int() }),
  /** a run's events from stream index `from`, for this renderer alone (it missed them: a reload mid-run) */
  z.strictObject({ type: z.literal('replay'), runId: z.string().regex(/^[\w.-]+$/).max(200), from: z.number().int().min(0) }),
  /** a hyperparameter sweep: a sweep spec whose `base` is the run spec itself (the host checks it whole) */
  z.strictObject({ type: z.literal('sweep-start'), sweep: z.unknown() }),
  /** stops the sweep's running trials; it can be started again and resumes */
  z.strictObject({ type: z.literal('sweep-stop') }),
  ...Object.entries(ENGINE_COMMANDS).map(([type, shape]) => z.strictObject({ type: z.literal(type), ...shape })),
] as unknown as [z.ZodObject, ...z.ZodObject[]]);
export type SweepCommand = { type: 'sweep-start'; sweep: unknown } | { type: 'sweep-stop' };
export type HostCommand = { type: 'hello'; v: number } | { type: 'replay'; runId: string; from: number } | SweepCommand | EngineCommand;

/** What the engine does between Start and the run's first event, in this order. */
export const START_PHASES = ['backend', 'data', 'model'] as const;
export type StartPhase = (typeof START_PHASES)[number];

export interface ToolProgress { done: number; total: number; note?: string }

/** Host -> renderer. */
/** A tool the engine runs now, and who asked for it. */
export interface ToolRun { tool: ToolId; requestId?: string }

export type HostMessage =
  /** `tool`: the tool running when this renderer connected */
  | { type: 'welcome'; v: number; presets: Preset[]; engine: EngineState; host: 'electron' | 'browser'; tool: ToolRun | null; sweep: SweepView | null }
  /** the sweep's state, whenever a trial's row changes (at most a few times a second) */
  | { type: 'sweep'; sweep: SweepView }
  | { type: 'events'; runId: string; events: RunEvent[] }
  /** a sweep trial's earlier attempt, superseded when the trial started again: the run-end its folder now ends with, or null when the folder (no epoch in it) was removed */
  | { type: 'run-superseded'; runId: string; end: RunEndEvent | null }
  /** the answer to a replay, in chunks; `done` on the last; `error` when the run's events cannot be had */
  | { type: 'replay'; runId: string; events: RunEvent[]; done: boolean; error?: string }
  | { type: 'engine'; engine: EngineState }
  | { type: 'started'; runId: string }
  /** the engine, between Start and 'started': the step of getting ready it begins now */
  | { type: 'preparing'; phase: StartPhase }
  /** `tool`, `requestId`: the tool request that failed or was refused (its panel stops waiting) */
  | { type: 'error'; message: string; tool?: ToolId; requestId?: string; /** a sweep that could not start or went wrong */ sweep?: true }
  | { type: 'tool-progress'; tool: ToolId; progress: ToolProgress; requestId?: string }
  /** a tool's result, checked against the tool's result schema by the host */
  | { type: 'tool-result'; tool: ToolId; result: unknown; requestId?: string }
  /** a file the user picked from the desktop app's menu: a spec to edit, a run log to import */
  | { type: 'file'; kind: 'spec' | 'run-log'; name: string; text: string }
  | ModelFileMessage;

export function parseCommand(raw: unknown): { ok: true; command: HostCommand } | { ok: false; error: string } {
  if (nestedDeeperThan(raw, MAX_JSON_DEPTH)) return { ok: false, error: `message: nested more than ${MAX_JSON_DEPTH} levels deep` };
  const r = commandSchema.safeParse(raw);
  if (r.success) return { ok: true, command: r.data as HostCommand };
  return { ok: false, error: issueText(r.error) };
}

/** What a view holds to talk to the engine. Two implementations; views never know which. */
export interface Host {
  readonly kind: 'electron' | 'browser';
  /** resolves with the welcome (presets, engine state) once connected */
  connect(): Promise<Extract<HostMessage, { type: 'welcome' }>>;
  send(command: HostCommand): void;
  /** every message from the host; returns an unsubscribe function */
  subscribe(listener: (m: HostMessage) => void): () => void;
}
