// Compiles main/engine/backends/simd/kernels.wat into kernels-binary.ts (base64), once for tfjs'
// one-thread heap and once for its threaded build's shared heap. Run after editing the .wat:
// `npm run wasm-kernels`. A test compiles it again and checks the committed binary matches.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import wabtInit from 'wabt';

const dir = join(import.meta.dirname, '..', 'main', 'engine', 'backends', 'simd');
const SOURCE = join(dir, 'kernels.wat');
const TARGET = join(dir, 'kernels-binary.ts');

/** The module's bytes (base64) for a plain and for a shared memory. */
export async function compileKernels(): Promise<{ plain: string; shared: string }> {
  const wabt = await wabtInit();
  const text = readFileSync(SOURCE, 'utf8');
  const compile = (source: string) => {
    const features = { simd: true, threads: true };
    const m = wabt.parseWat('kernels.wat', source, features);
    try {
      // (the typings say validate takes nothing; it takes the features, and without them refuses a shared memory)
      (m.validate as (features?: object) => void)(features);
      return Buffer.from(m.toBinary({}).buffer).toString('base64');
    } finally {
      m.destroy();
    }
  };
  const memory = '(import "env" "memory" (memory 0))';
  if (!text.includes(memory)) throw new Error(`${SOURCE}: expected the line ${memory}`);
  return { plain: compile(text), shared: compile(text.replace(memory, '(import "env" "memory" (memory 0 65536 shared))')) };
}

export function binaryModuleText(b: { plain: string; shared: string }): string {
  return `// Generated from kernels.wat by scripts/build-wasm-kernels.ts (npm run wasm-kernels): do not edit.
export const KERNELS_PLAIN = '${b.plain}';
export const KERNELS_SHARED = '${b.shared}';
`;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  writeFileSync(TARGET, binaryModuleText(await compileKernels()));
  process.stdout.write(`wrote ${TARGET}\n`);
}
