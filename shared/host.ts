// The one interface the views use to reach an engine, whichever host runs it (the Electron
// preload bridge or the browser mode's WebSocket), and the messages behind it. Every message
// that enters a host from a renderer is validated here before anything acts on it.
import { z } from 'zod';
import type { RunEvent } from './events.ts';
import type { OverfitResult } from './overfit.ts';
import type { InitExplorerResult } from './init-explorer.ts';

/** Backprop against finite differences, per variable (trainscope gradcheck). */
export interface GradcheckResult { passed: boolean; eps: number; samples: number; tolerance: number; variables: { variable: string; checked: number; maxRelError: number; medianRelError: number }[]; backend: string }

export const HOST_PROTOCOL_VERSION = 1;

/** An example spec the user can start from (assets/specs). */
export interface Preset { id: string; title: string; description: string; spec: unknown; demo: boolean }

export type EngineState =
  | { state: 'idle' }
  | { state: 'running'; runId: string; paused: boolean }
  | { state: 'crashed'; runId: string | null; reason: string };

/** Renderer -> host. */
export const commandSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('hello'), v: z.number().int() }),
  z.strictObject({ type: z.literal('start'), spec: z.unknown() }),
  z.strictObject({ type: z.literal('pause') }),
  z.strictObject({ type: z.literal('resume') }),
  z.strictObject({ type: z.literal('stop') }),
  z.strictObject({ type: z.literal('evaluate') }),
  z.strictObject({ type: z.literal('overfit'), spec: z.unknown() }),
  z.strictObject({ type: z.literal('gradcheck'), spec: z.unknown() }),
  z.strictObject({ type: z.literal('init-explorer'), spec: z.unknown() }),
]);
export type HostCommand = z.infer<typeof commandSchema>;

/** Host -> renderer. */
export type HostMessage =
  | { type: 'welcome'; v: number; presets: Preset[]; engine: EngineState; host: 'electron' | 'browser' }
  | { type: 'events'; runId: string; events: RunEvent[] }
  | { type: 'engine'; engine: EngineState }
  | { type: 'started'; runId: string }
  | { type: 'error'; message: string }
  | { type: 'overfit'; result: OverfitResult }
  | { type: 'gradcheck'; result: GradcheckResult }
  | { type: 'init-explorer'; result: InitExplorerResult }
  /** a file the user picked from the desktop app's menu: a spec to edit, a run log to import */
  | { type: 'file'; kind: 'spec' | 'run-log'; name: string; text: string };

export function parseCommand(raw: unknown): { ok: true; command: HostCommand } | { ok: false; error: string } {
  const r = commandSchema.safeParse(raw);
  if (r.success) return { ok: true, command: r.data };
  const i = r.error.issues[0];
  return { ok: false, error: `${i.path.join('.') || 'message'}: ${i.message}` };
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
