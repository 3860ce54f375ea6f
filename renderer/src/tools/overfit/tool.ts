// The overfit check in the app: in New run and on a run's Overview.
import { overfitTool } from '../../../../shared/tools/overfit/definition.ts';
import { defineRendererTool } from '../framework/tool.ts';
import { overfitVerdict } from './verdict.ts';
import OverfitPanel from './OverfitPanel.svelte';

export const overfitView = defineRendererTool({ definition: overfitTool, panel: OverfitPanel, verdict: overfitVerdict, onRun: true });
