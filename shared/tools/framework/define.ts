// What a debugging tool is, in the part every process shares: a thing that takes a spec (and a
// few options) and returns a result, without a run. The CLI subcommand, the host command, the
// engine process's dispatch and the app's panel all come from the registered list
// (../registry.ts); the engine adds how it runs (main/engine/tools), the renderer its panel.
import { z } from 'zod';

export interface ToolDefinition<Id extends string = string, O extends z.ZodObject = z.ZodObject, R extends z.ZodType = z.ZodType> {
  readonly id: Id;
  /** its name on buttons and in reports */
  readonly title: string;
  /** one line: what it answers (CLI usage, the button's tooltip) */
  readonly summary: string;
  /** the result format's version: the `v` of its JSON; bump it when the result changes shape */
  readonly version: number;
  /** what it takes besides the spec: CLI flags (--name value) and the panel's fields, every one optional */
  readonly options: O;
  readonly result: R;
  /** pass or fail, for the CLI's exit code (0 or 1); tools that only inform have none */
  verdict?(r: z.output<R>): boolean;
}

export type ToolOptions<T extends ToolDefinition> = z.output<T['options']>;
export type ToolResult<T extends ToolDefinition> = z.output<T['result']>;

export function defineTool<const Id extends string, S extends z.ZodRawShape, R extends z.ZodType>(d: {
  id: Id; title: string; summary: string; version: number; options: S; result: R; verdict?: (r: z.output<R>) => boolean;
}) {
  return { ...d, options: z.strictObject(d.options) };
}

/** One line naming the option and the problem, as the CLI and the hosts report bad options. */
export function parseToolOptions<T extends ToolDefinition>(tool: T, raw: unknown): { ok: true; options: ToolOptions<T> } | { ok: false; error: string } {
  const r = tool.options.safeParse(raw ?? {});
  if (r.success) return { ok: true, options: r.data as ToolOptions<T> };
  const i = r.error.issues[0];
  return { ok: false, error: `${tool.id} option ${i.path.length ? `--${i.path.join('.')}` : ''}: ${i.message}`.replace(' : ', ': ') };
}
