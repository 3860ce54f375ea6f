// The ordered list of tools: the CLI's subcommands, the host's `tool` command, the engine
// process's dispatch and the app's buttons and panels come from it. Adding a tool means adding
// its folders and one entry here (and in the engine's and the renderer's registries; a test
// checks they agree).
import { overfitTool } from './overfit/definition.ts';
import { gradcheckTool } from './gradcheck/definition.ts';
import { initExplorerTool } from './init-explorer/definition.ts';
import { lrFindTool } from './lr-find/definition.ts';
import { auditTool } from './audit/definition.ts';

export const TOOLS = [overfitTool, gradcheckTool, initExplorerTool, lrFindTool, auditTool] as const;

export type ToolId = (typeof TOOLS)[number]['id'];
export const TOOL_IDS = TOOLS.map((t) => t.id) as [ToolId, ...ToolId[]];

export function toolById(id: string) {
  return TOOLS.find((t) => t.id === id);
}
