// `npm start`: the desktop app where Electron's binary is installed and a display exists, the
// browser mode otherwise (with a one-line note saying why). Either way it opens on the demo.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function electronBinary() {
  let path;
  try {
    path = require('electron'); // the binary's path, or a throw when it was never downloaded
  } catch (e) {
    return { why: `Electron's binary is not installed (${String(e.message).split('\n')[0]})` };
  }
  if (typeof path !== 'string' || !existsSync(path)) return { why: "Electron's binary is not installed" };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { why: 'there is no display (DISPLAY is not set)' };
  return { path };
}

const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status === 0;
if (!run(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'])) process.exit(1);

const electron = electronBinary();
if (electron.path) {
  if (!run(process.execPath, [join(root, 'scripts/build-electron.mjs')])) process.exit(1);
  const child = spawn(electron.path, [root], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`trainscope: starting the browser mode because ${electron.why}.`);
  const child = spawn(process.execPath, [join(root, 'bin/trainscope.mjs'), 'serve', ...process.argv.slice(2)], { cwd: root, stdio: ['inherit', 'pipe', 'inherit'] });
  child.stdout.on('data', (d) => {
    process.stdout.write(d);
    const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(String(d))?.[0];
    // Open the default browser where there is one; the URL is printed either way.
    if (url && (process.env.DISPLAY || process.platform !== 'linux')) {
      const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
      spawn(opener, [url], { stdio: 'ignore', detached: true }).on('error', () => {}).unref();
    }
  });
  child.on('exit', (code) => process.exit(code ?? 0));
  process.on('SIGINT', () => child.kill('SIGINT'));
}
