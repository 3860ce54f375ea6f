// The init explorer as a tool: `trainscope init-explorer`, the Init explorer button.
import { initExplorerTool } from '../../../../shared/tools/init-explorer/definition.ts';
import { defineEngineTool } from '../framework/tool.ts';
import { initExplorer } from './init-explorer.ts';

export const initExplorerEngineTool = defineEngineTool({
  definition: initExplorerTool,
  run: (spec, ctx, o) => initExplorer(spec, ctx.baseDir, { backend: ctx.backend, dataDirs: ctx.dataDirs, draws: o.draws, onProgress: ctx.onProgress, signal: ctx.signal }),
  report: (r) => {
    const inits = r.initializers.map((i) => i.initializer);
    const cell = (s: { std: number; saturatedFrac: number; deadFrac: number }) =>
      `std ${s.std.toPrecision(2).padStart(7)}${s.saturatedFrac >= 0.005 ? ` sat ${(s.saturatedFrac * 100).toFixed(0).padStart(2)}%` : ''}${s.deadFrac >= 0.005 ? ` dead ${(s.deadFrac * 100).toFixed(0).padStart(2)}%` : ''}`;
    const w = Math.max(...r.initializers[0].layers.map((l) => `${l.layer} (${l.activation ?? '-'})`.length));
    return [`${r.draws} initialisations per initialiser, one batch of ${r.batch}: each layer's output std (mean over draws), saturated and dead fractions`,
      `${''.padEnd(w)}  ${inits.map((i) => i.padEnd(30)).join('')}`,
      ...r.initializers[0].layers.map((l, k) => `${`${l.layer} (${l.activation ?? '-'})`.padEnd(w)}  ${r.initializers.map((i) => cell(i.layers[k]).padEnd(30)).join('')}`)].join('\n');
  },
});
