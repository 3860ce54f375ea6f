// The renderer's side of the tool registry: the same ids in the same order as
// shared/tools/registry.ts (a test checks). Buttons and panels appear in this order.
import type { RendererTool } from './framework/tool.ts';
import { overfitView } from './overfit/tool.ts';
import { gradcheckView } from './gradcheck/tool.ts';
import { initExplorerView } from './init-explorer/tool.ts';
import { lrFindView } from './lr-find/tool.ts';
import { auditView } from './audit/tool.ts';

export const RENDERER_TOOLS = [overfitView, gradcheckView, initExplorerView, lrFindView, auditView] as unknown as readonly RendererTool[];
