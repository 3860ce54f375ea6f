import { installedFastPaths } from '../../engine/backends/wasm-fast-paths.ts';
import { simdKernelStatus } from '../../engine/backends/simd/simd-kernels.ts';
import { statsKernelStatus } from '../../engine/stats/stats-kernels.ts';
import { diagnoseBackends } from '../../engine/backends/select.ts';
import { dataRoots, findDataset } from '../../engine/data/registry.ts';
import { DATASET_NAMES, DATASETS, type KnownDataset } from '../../../shared/datasets.ts';

export async function doctorCommand(json: boolean): Promise<number> {
  const { attempts, wasm } = await diagnoseBackends();
  const chosen = attempts.find((a) => a.ok)?.name ?? null;
  // (the named datasets a spec can use: where each was found, or every folder that was searched)
  const datasets = DATASET_NAMES.map((name) => {
    const l = findDataset(name);
    return { name, found: l.found?.dir ?? null, from: l.found?.kind ?? null, searched: l.searched.map((s) => s.dir) };
  });
  // (our SIMD kernels are fast paths: off with the rest under TRAINSCOPE_STOCK_WASM=1)
  const simdKernels = installedFastPaths.length ? simdKernelStatus() : 'off: no fast paths (TRAINSCOPE_STOCK_WASM=1)';
  const report = { node: process.version, platform: `${process.platform}-${process.arch}`, chosen, backends: attempts, wasm: wasm ? { ...wasm, fastPaths: installedFastPaths.slice(), simdKernels } : null, statistics: statsKernelStatus(), datasets };
  if (json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  }
  const lines = [`node ${report.node} on ${report.platform}`];
  for (const a of attempts) lines.push(`${a.ok ? 'ok  ' : 'no  '} ${a.name.padEnd(9)}${a.ok ? '' : ` ${a.reason}`}${a.name === chosen ? '  <- used by --backend auto' : ''}`);
  if (wasm) lines.push(`wasm: SIMD ${wasm.simd ? 'yes' : 'no'}, threads ${wasm.threadCount}${wasm.threadsReason ? ` (${wasm.threadsReason})` : ''}, fast paths: ${installedFastPaths.length ? installedFastPaths.join(', ') : 'none (TRAINSCOPE_STOCK_WASM=1)'}; SIMD kernels ${simdKernels}`);
  lines.push(`statistics of collections: ${report.statistics}`);
  lines.push(`datasets (each in a folder of its name in: ${dataRoots().map((r) => r.dir).join(', ')}):`);
  const width = Math.max(...DATASET_NAMES.map((n) => n.length)) + 1;
  for (const d of datasets) {
    const pkg = (DATASETS[d.name] as KnownDataset).debianPackage;
    const how = `${pkg ? `apt-get install ${pkg}, or ` : ''}put its four IDX files in one of these folders`;
    lines.push(`${d.found ? 'ok  ' : 'no  '} ${d.name.padEnd(width)}${d.found ?? `not in ${d.searched.join(', ')} (${how})`}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
