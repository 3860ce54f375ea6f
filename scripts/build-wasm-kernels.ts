// Compiles our WebAssembly text into base64 modules: main/engine/backends/simd/kernels.wat into
// kernels-binary.ts, once for tfjs' one-thread heap and once for its threaded build's shared heap;
// main/engine/stats/kernels.wat (the collection's reductions, on a memory of their own) into
// stats/kernels-binary.ts. Run after editing a .wat: `npm run wasm-kernels`. A test compiles them
// again and checks the committed binaries match.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import wabtInit from 'wabt';

const engine = join(import.meta.dirname, '..', 'main', 'engine');
const SOURCE = join(engine, 'backends', 'simd', 'kernels.wat');
const TARGET = join(engine, 'backends', 'simd', 'kernels-binary.ts');
const STATS_SOURCE = join(engine, 'stats', 'kernels.wat');
const STATS_TARGET = join(engine, 'stats', 'kernels-binary.ts');

async function compiler(file: string) {
  const wabt = await wabtInit();
  return (source: string) => {
    const features = { simd: true, threads: true };
    const m = wabt.parseWat(file, source, features);
    try {
      // (the typings say validate takes nothing; it takes the features, and without them refuses a shared memory)
      (m.validate as (features?: object) => void)(features);
      return Buffer.from(m.toBinary({}).buffer).toString('base64');
    } finally {
      m.destroy();
    }
  };
}

/** The training kernels' bytes (base64) for a plain and for a shared memory. */
export async function compileKernels(): Promise<{ plain: string; shared: string }> {
  const compile = await compiler('kernels.wat');
  const text = readFileSync(SOURCE, 'utf8');
  const memory = '(import "env" "memory" (memory 0))';
  if (!text.includes(memory)) throw new Error(`${SOURCE}: expected the line ${memory}`);
  return { plain: compile(text), shared: compile(text.replace(memory, '(import "env" "memory" (memory 0 65536 shared))')) };
}

/** The statistics kernels' bytes (base64). */
export async function compileStatsKernels(): Promise<string> {
  return (await compiler('stats/kernels.wat'))(readFileSync(STATS_SOURCE, 'utf8'));
}

export function statsModuleText(bytes: string): string {
  return `// Generated from kernels.wat by scripts/build-wasm-kernels.ts (npm run wasm-kernels): do not edit.
export const STATS_KERNELS = '${bytes}';
`;
}

export function binaryModuleText(b: { plain: string; shared: string }): string {
  return `// Generated from kernels.wat by scripts/build-wasm-kernels.ts (npm run wasm-kernels): do not edit.
export const KERNELS_PLAIN = '${b.plain}';
export const KERNELS_SHARED = '${b.shared}';
`;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  writeFileSync(TARGET, binaryModuleText(await compileKernels()));
  writeFileSync(STATS_TARGET, statsModuleText(await compileStatsKernels()));
  process.stdout.write(`wrote ${TARGET} and ${STATS_TARGET}\n`);
}
