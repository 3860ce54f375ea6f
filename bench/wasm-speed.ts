// wasm speed against tfjs' own wasm, each measurement in a fresh process (bench/wasm-step.ts):
// a process fixes its thread pool, and whether the fast paths replace tfjs' kernels, when it
// starts wasm. Rounds are interleaved and medians reported: these machines are shared and noisy.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

const log = (s: string) => process.stderr.write(`${s}\n`);
const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
const root = join(import.meta.dirname ?? '.', '..');

type Variant = 'stock' | 'fast' | 'fast-all-cores';
const ENV: Record<Variant, Record<string, string>> = {
  stock: { TRAINSCOPE_STOCK_WASM: '1' },
  fast: { TRAINSCOPE_WASM_THREADS: '' }, // the default: one pool thread per core but one
  'fast-all-cores': { TRAINSCOPE_WASM_THREADS: String(Math.max(2, availableParallelism())) }, // the threaded build on every core
};

function measure(workload: 'mlp' | 'cnn', variant: Variant): { ms: number; threads: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'wasm-step.ts'), workload], {
    cwd: root, encoding: 'utf8', timeout: 600_000, env: { ...process.env, TRAINSCOPE_STOCK_WASM: '', ...ENV[variant] },
  });
  if (r.status !== 0) throw new Error(`bench/wasm-step.ts ${workload} (${variant}) failed: ${r.stderr.trim().split('\n').pop()}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

export async function benchWasmSpeed(rounds = 5) {
  const ms: Record<string, number[]> = {};
  let threads = 1;
  for (let r = 0; r < rounds; r++) {
    const line: string[] = [];
    for (const workload of ['mlp', 'cnn'] as const) {
      for (const variant of ['stock', 'fast', 'fast-all-cores'] as const) {
        const m = measure(workload, variant);
        if (variant === 'fast') threads = m.threads;
        (ms[`${workload} ${variant}`] ??= []).push(m.ms);
        line.push(`${workload} ${variant} ${m.ms.toFixed(1)}`);
      }
    }
    log(`wasm round ${r + 1}/${rounds} (ms per instrumented step): ${line.join(', ')}`);
  }
  const m = (k: string) => median(ms[k]);
  // (a ratio per round, of two measurements taken one after the other, then their median: the
  // machine's speed drifts by tens of percent over minutes, and both sides of a round share it)
  const ratio = (a: string, b: string) => median(ms[a].map((v, r) => v / ms[b][r]));
  return {
    wasm_speedup_vs_stock_mlp: ratio('mlp stock', 'mlp fast'),
    wasm_speedup_vs_stock_cnn: ratio('cnn stock', 'cnn fast'),
    mlp_samples_per_s_wasm: Math.round((64 / m('mlp fast')) * 1000),
    cnn_samples_per_s_wasm: Math.round((64 / m('cnn fast')) * 1000),
    wasm_threads: threads,
    wasm_all_cores_vs_default_mlp: ratio('mlp fast', 'mlp fast-all-cores'),
    wasm_all_cores_vs_default_cnn: ratio('cnn fast', 'cnn fast-all-cores'),
    wasm_ms_per_step: Object.fromEntries(Object.keys(ms).map((k) => [k, m(k)])),
  };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  process.stdout.write(`${JSON.stringify(await benchWasmSpeed())}\n`);
}
