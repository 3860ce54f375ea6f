// The engine's side of the tool registry: the same ids in the same order as
// shared/tools/registry.ts (a test checks). The CLI's subcommands and the engine process's
// dispatch come from it.
import type { EngineTool } from './framework/tool.ts';
import { overfitEngineTool } from './overfit/tool.ts';
import { gradcheckEngineTool } from './gradcheck/tool.ts';
import { initExplorerEngineTool } from './init-explorer/tool.ts';
import { lrFindEngineTool } from './lr-find/tool.ts';
import { auditEngineTool } from './audit/tool.ts';

export const ENGINE_TOOLS = [overfitEngineTool, gradcheckEngineTool, initExplorerEngineTool, lrFindEngineTool, auditEngineTool] as unknown as readonly EngineTool[];

export function engineTool(id: string): EngineTool | undefined {
  return ENGINE_TOOLS.find((t) => t.definition.id === id);
}
