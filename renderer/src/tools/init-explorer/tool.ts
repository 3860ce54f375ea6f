// The init explorer in the app: in New run.
import { initExplorerTool } from '../../../../shared/tools/init-explorer/definition.ts';
import { defineRendererTool } from '../framework/tool.ts';
import { initExplorerVerdict } from './verdict.ts';
import InitExplorerPanel from './InitExplorerPanel.svelte';

export const initExplorerView = defineRendererTool({ definition: initExplorerTool, panel: InitExplorerPanel, verdict: initExplorerVerdict });
