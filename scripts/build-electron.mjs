// Bundles the desktop host for Electron: the main process (CJS), the sandboxed preload (CJS),
// the native-backend probe's utility process (CJS), the engine's utility process and its
// statistics worker (ESM). TensorFlow.js stays external so
// native and wasm binaries load from node_modules (unpacked from the asar when packaged).
//
// Each bundle's esbuild metafile is written beside it (meta-<bundle>.json): it lists what the
// bundle still imports at run time, which is exactly what the packaged app must ship
// (tests/packaging checks it against package.json and electron-builder.yml).
//
// Usage: node scripts/build-electron.mjs [--out DIR]   (default: dist/electron)
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const out = values.out ? resolve(values.out) : join(root, 'dist', 'electron');
mkdirSync(out, { recursive: true });
const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning', absWorkingDir: root, metafile: true };
// (h5wasm carries its wasm inside its JavaScript: loaded from node_modules like TensorFlow.js, not bundled twice)
const external = ['electron', '@tensorflow/*', 'h5wasm', 'h5wasm/*'];

async function bundle(name, options) {
  const r = await build({ ...common, ...options });
  writeFileSync(join(out, `meta-${name}.json`), JSON.stringify(r.metafile, null, 1));
}

await bundle('main', { entryPoints: ['main/electron/main.ts'], outfile: join(out, 'main.cjs'), format: 'cjs', external, define: { 'import.meta.dirname': '__dirname', 'import.meta.url': '__importMetaUrl' }, banner: { js: 'const __importMetaUrl = require("url").pathToFileURL(__filename).href;' } });
await bundle('preload', { entryPoints: ['main/electron/preload.ts'], outfile: join(out, 'preload.cjs'), format: 'cjs', external: ['electron'] });
await bundle('probe-native', { entryPoints: ['main/electron/probe-native.ts'], outfile: join(out, 'probe-native.cjs'), format: 'cjs', external });
const esm = { format: 'esm', external, banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } };
await bundle('engine-process', { ...esm, entryPoints: ['main/engine/process/engine-process.ts'], outfile: join(out, 'engine-process.mjs') });
await bundle('stats-worker', { ...esm, entryPoints: ['main/engine/instruments/framework/stats-worker.ts'], outfile: join(out, 'stats-worker.js') });
copyFileSync(join(root, 'main/engine/instruments/framework/stats-worker-boot.mjs'), join(out, 'stats-worker-boot.mjs'));
// the data audit's fold threads (main/engine/tools/audit/fold-pool.ts looks for both beside the engine)
await bundle('fold-worker', { ...esm, entryPoints: ['main/engine/tools/audit/fold-worker.ts'], outfile: join(out, 'fold-worker.js') });
copyFileSync(join(root, 'main/engine/tools/audit/fold-worker-boot.mjs'), join(out, 'fold-worker-boot.mjs'));
console.log(`trainscope: desktop host bundled in ${out}`);
