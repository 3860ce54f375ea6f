// The gradient check in the app: in New run.
import { gradcheckTool } from '../../../../shared/tools/gradcheck/definition.ts';
import { defineRendererTool } from '../framework/tool.ts';
import { gradcheckVerdict } from './verdict.ts';
import GradcheckPanel from './GradcheckPanel.svelte';

export const gradcheckView = defineRendererTool({ definition: gradcheckTool, panel: GradcheckPanel, verdict: gradcheckVerdict });
