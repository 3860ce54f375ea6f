// Downloads Electron's binary where the network allows it. npm's `allowScripts` skips
// electron's own install script (it fails hard without network and would fail `npm install`);
// here a failure is only reported, so the engine, CLI, browser mode and tests still install.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let installJs;
try {
  installJs = require.resolve('electron/install.js');
} catch {
  process.exit(0); // electron is a dev dependency; absent in production installs
}
if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  console.log('trainscope: ELECTRON_SKIP_BINARY_DOWNLOAD is set; the desktop app will fall back to browser mode.');
  process.exit(0);
}
const pathTxt = installJs.replace(/install\.js$/, 'path.txt');
if (existsSync(pathTxt)) process.exit(0);
const r = spawnSync(process.execPath, [installJs], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000, encoding: 'utf8' });
if (r.status === 0) {
  console.log('trainscope: Electron binary installed.');
} else {
  const why = `${r.stderr ?? ''}${r.stdout ?? ''}`.split('\n').find((l) => /error|ENOTFOUND|ECONN|fail/i.test(l)) ?? `exit ${r.status}`;
  console.log(`trainscope: Electron binary not downloaded (${why.trim().slice(0, 160)}); \`npm start\` will use browser mode.`);
}
