// A tool, engine side: how it runs on a spec, and its report for a terminal. The CLI, the
// engine process and the tests run every tool through this one shape.
import type { RunSpec } from '../../../../shared/spec.ts';
import type { ToolDefinition, ToolOptions, ToolResult } from '../../../../shared/tools/framework/define.ts';
import type { ToolProgress } from '../../../../shared/host.ts';
import type { BackendChoice } from '../../backends/select.ts';

export interface ToolContext {
  /** relative data paths in the spec resolve from here */
  baseDir: string;
  /** a host's own folders for named datasets (see TrainerOptions.dataDirs) */
  dataDirs?: readonly string[];
  backend: BackendChoice;
  /** called as the work goes; hosts throttle what they forward */
  onProgress?: (p: ToolProgress) => void;
  /** aborted when the user stops the tool: long tools check it between steps and throw `stopped()` */
  signal?: AbortSignal;
}

/** The error a tool throws when it was stopped. */
export function stopped(): Error {
  return new Error('stopped by the user');
}

export interface EngineTool<T extends ToolDefinition = ToolDefinition> {
  readonly definition: T;
  run(spec: RunSpec, ctx: ToolContext, options: ToolOptions<T>): Promise<ToolResult<T>>;
  /** the result as lines for a terminal (the CLI without --json) */
  report(result: ToolResult<T>): string;
}

export function defineEngineTool<T extends ToolDefinition>(t: EngineTool<T>): EngineTool<T> {
  return t;
}
