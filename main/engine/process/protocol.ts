// The messages between a host's supervisor and its engine process: the engine service's
// commands (shared/engine-service.ts) plus the host's configuration one way, replies the other.
// Both ends validate what they receive: a process boundary is a boundary even between our own.
import { z } from 'zod';
import type { RunEvent } from '../../../shared/events.ts';
import { START_PHASES, type StartPhase, type ToolProgress } from '../../../shared/host.ts';
import { engineCommandSchema, issueText, type EngineCommand } from '../../../shared/engine-service.ts';
import { TOOL_IDS, type ToolId } from '../../../shared/tools/registry.ts';
import type { ModelFileMessage } from '../../../shared/model-files.ts';

const BACKENDS = ['auto', 'node-gpu', 'node', 'wasm', 'cpu'] as const;

/** Where runs go and relative data paths resolve, and which backend to use: the host's, sent once at start. */
const probeResult = z.string().max(400).nullable().optional();
const configureSchema = z.strictObject({
  type: z.literal('configure'), runsDir: z.string().min(1), baseDir: z.string().min(1), backend: z.enum(BACKENDS),
  /** the native backends as the host probed them (the desktop app: the engine there cannot spawn a Node to probe) */
  probes: z.strictObject({ 'node-gpu': probeResult, node: probeResult }).optional(),
  /** the host's own folders for named datasets (the desktop app's data folder), searched after TRAINSCOPE_DATA */
  dataDirs: z.array(z.string().min(1)).max(16).optional(),
});
export type EngineConfig = Omit<z.output<typeof configureSchema>, 'type'>;

export type EngineRequest = ({ type: 'configure' } & EngineConfig) | EngineCommand;

export function parseEngineRequest(raw: unknown): { ok: true; request: EngineRequest } | { ok: false; error: string } {
  const c = configureSchema.safeParse(raw);
  if (c.success) return { ok: true, request: c.data };
  const r = engineCommandSchema.safeParse(raw);
  return r.success ? { ok: true, request: r.data as EngineCommand } : { ok: false, error: `engine request ${issueText(r.error)}` };
}

export type EngineReply =
  | { type: 'ready' }
  | { type: 'heartbeat' }
  | { type: 'started'; runId: string; runDir: string }
  | { type: 'preparing'; phase: StartPhase }
  /** `persisted`: every event of the run before this index is in its folder's log (the rest may still be buffered) */
  | { type: 'events'; runId: string; events: RunEvent[]; persisted?: number }
  | { type: 'finished'; runId: string; status: string }
  | { type: 'tool-progress'; tool: ToolId; progress: ToolProgress; requestId?: string }
  | { type: 'tool-result'; tool: ToolId; result: unknown; requestId?: string }
  | { type: 'error'; message: string; tool?: ToolId; requestId?: string }
  | ModelFileMessage;

// The envelope of every reply; tool results are checked against their tool's schema by the supervisor.
const replySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('heartbeat') }),
  z.object({ type: z.literal('started'), runId: z.string(), runDir: z.string() }),
  z.object({ type: z.literal('preparing'), phase: z.enum(START_PHASES) }),
  z.object({ type: z.literal('events'), runId: z.string(), events: z.array(z.looseObject({ type: z.string() })), persisted: z.number().int().min(0).optional() }),
  z.object({ type: z.literal('finished'), runId: z.string(), status: z.string() }),
  z.object({ type: z.literal('tool-progress'), tool: z.enum(TOOL_IDS), progress: z.object({ done: z.number(), total: z.number(), note: z.string().optional() }), requestId: z.string().optional() }),
  z.object({ type: z.literal('tool-result'), tool: z.enum(TOOL_IDS), result: z.unknown(), requestId: z.string().optional() }),
  z.object({ type: z.literal('error'), message: z.string(), tool: z.enum(TOOL_IDS).optional(), requestId: z.string().optional() }),
  z.object({
    type: z.literal('model-imported'), requestId: z.string(), name: z.string(), model: z.record(z.string(), z.unknown()), spec: z.record(z.string(), z.unknown()),
    summary: z.string(), notes: z.array(z.string()),
  }),
  z.object({ type: z.literal('model-exported'), requestId: z.string(), name: z.string(), data: z.string(), notes: z.array(z.string()) }),
]);

export function parseEngineReply(raw: unknown): { ok: true; reply: EngineReply } | { ok: false; error: string } {
  const r = replySchema.safeParse(raw);
  return r.success ? { ok: true, reply: r.data as EngineReply } : { ok: false, error: `engine reply ${issueText(r.error)}` };
}
