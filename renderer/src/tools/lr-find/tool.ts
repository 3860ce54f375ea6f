// The LR range test in the app: in New run and on a run's Overview (with that run's spec).
import { lrFindTool } from '../../../../shared/tools/lr-find/definition.ts';
import { defineRendererTool } from '../framework/tool.ts';
import { lrFindVerdict } from './verdict.ts';
import LrFindPanel from './LrFindPanel.svelte';

export const lrFindView = defineRendererTool({ definition: lrFindTool, panel: LrFindPanel, verdict: lrFindVerdict, onRun: true });
