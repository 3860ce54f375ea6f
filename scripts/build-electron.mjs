// Bundles the desktop host for Electron: the main process (CJS), the sandboxed preload (CJS),
// the engine's utility process and its statistics worker (ESM). TensorFlow.js stays external so
// native and wasm binaries load from node_modules (unpacked from the asar when packaged).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'electron');
mkdirSync(out, { recursive: true });
const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning', absWorkingDir: root };
const external = ['electron', '@tensorflow/*'];

await build({ ...common, entryPoints: ['main/electron/main.ts'], outfile: join(out, 'main.cjs'), format: 'cjs', external, define: { 'import.meta.dirname': '__dirname', 'import.meta.url': '__importMetaUrl' }, banner: { js: 'const __importMetaUrl = require("url").pathToFileURL(__filename).href;' } });
await build({ ...common, entryPoints: ['main/electron/preload.ts'], outfile: join(out, 'preload.cjs'), format: 'cjs', external: ['electron'] });
const esm = { ...common, format: 'esm', external, banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } };
await build({ ...esm, entryPoints: ['main/engine/process/engine-process.ts'], outfile: join(out, 'engine-process.mjs') });
await build({ ...esm, entryPoints: ['main/engine/instruments/framework/stats-worker.ts'], outfile: join(out, 'stats-worker.js') });
copyFileSync(join(root, 'main/engine/instruments/framework/stats-worker-boot.mjs'), join(out, 'stats-worker-boot.mjs'));
console.log(`trainscope: desktop host bundled in ${out}`);
