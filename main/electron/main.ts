// The desktop host. The main process owns the window, the menu and the file dialogs; the engine
// runs in a utility process (a crash or a hang never freezes the window); engine events reach
// the renderer over a MessagePort; commands come back through the preload's narrow API and are
// validated here, with their sender, before anything acts on them.
import { app, BrowserWindow, dialog, ipcMain, Menu, MessageChannelMain, utilityProcess, type MessagePortMain } from 'electron';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { HOST_PROTOCOL_VERSION, parseCommand, type HostMessage } from '../../shared/host.ts';
import { EngineSupervisor, type EngineProcess } from '../engine/process/supervisor.ts';
import { loadPresets } from '../engine/presets.ts';
import { harden, trustedSender } from './security.ts';
import { readRun, withData } from '../engine/run/run-folder.ts';
import { stringifyJson } from '../../shared/json-number.ts';

const here = import.meta.dirname ?? __dirname;
const INDEX = join(here, '..', 'renderer', 'index.html');
const PRELOAD = join(here, 'preload.cjs');
const ENGINE = join(here, 'engine-process.mjs');
// assets/ ships beside the app (the presets and the demo's data paths resolve from there)
const SPECS = join(app.getAppPath(), 'assets', 'specs');

let window: BrowserWindow | null = null;
let port: MessagePortMain | null = null;

function spawnEngine(): EngineProcess {
  const child = utilityProcess.fork(ENGINE, [], { serviceName: 'Trainscope engine', stdio: 'inherit' });
  return {
    send: (m) => child.postMessage(m),
    onMessage: (l) => child.on('message', l),
    onExit: (l) => child.on('exit', (code) => l(code, null)),
    kill: () => { child.kill(); },
  };
}

const supervisor = new EngineSupervisor({
  spawn: spawnEngine,
  runsDir: join(app.getPath('userData'), 'runs'),
  baseDir: SPECS,
});
supervisor.subscribe((m) => post(m));

function post(m: HostMessage) {
  port?.postMessage(m);
}

/** A fresh port to the renderer on every page load; the preload hands it to the page. */
function connectRenderer(win: BrowserWindow) {
  const { port1, port2 } = new MessageChannelMain();
  port?.close();
  port = port1;
  port.start();
  win.webContents.postMessage('trainscope:port', null, [port2]);
}

async function pickFile(kind: 'spec' | 'run-log') {
  if (!window) return;
  const r = await dialog.showOpenDialog(window, kind === 'spec'
    ? { title: 'Open a run spec', filters: [{ name: 'Run spec', extensions: ['json'] }], properties: ['openFile'] }
    : { title: 'Import a run folder', properties: ['openDirectory'] });
  if (r.canceled || !r.filePaths[0]) return;
  const file = kind === 'spec' ? r.filePaths[0] : join(r.filePaths[0], 'events.jsonl');
  if (!existsSync(file)) { post({ type: 'error', message: `${r.filePaths[0]}: not a run folder (no events.jsonl)` }); return; }
  // A run folder's predictions and samples live in binary files beside the log: inline them so
  // the imported run has its misclassification browser too.
  const text = kind === 'spec' ? readFileSync(file, 'utf8')
    : readRun(r.filePaths[0]).events.map((e) => stringifyJson(withData(r.filePaths[0], e))).join('\n');
  post({ type: 'file', kind, name: basename(kind === 'spec' ? file : r.filePaths[0]), text });
}

function menu() {
  Menu.setApplicationMenu(Menu.buildFromTemplate([
    { label: 'File', submenu: [
      { label: 'Open spec...', accelerator: 'CmdOrCtrl+O', click: () => void pickFile('spec') },
      { label: 'Import run folder...', accelerator: 'CmdOrCtrl+I', click: () => void pickFile('run-log') },
      { type: 'separator' }, { role: 'quit' },
    ] },
    { role: 'editMenu' },
    { label: 'View', submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }] },
  ]));
}

app.whenReady().then(() => {
  harden(INDEX);
  menu();
  ipcMain.on('trainscope:command', (event, raw) => {
    if (!trustedSender(event, window, INDEX)) return;
    const r = parseCommand(raw);
    if (!r.ok) { post({ type: 'error', message: r.error }); return; }
    const c = r.command;
    if (c.type === 'hello') post({ type: 'welcome', v: HOST_PROTOCOL_VERSION, presets: loadPresets(SPECS), engine: supervisor.state, host: 'electron', tool: supervisor.toolRun });
    else supervisor.command(c, post);
  });
  window = new BrowserWindow({
    width: 1400, height: 900, title: 'Trainscope', backgroundColor: '#0d1117',
    webPreferences: { preload: PRELOAD, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false },
  });
  window.webContents.on('did-finish-load', () => connectRenderer(window!));
  void window.loadFile(INDEX);
});

app.on('window-all-closed', () => {
  supervisor.dispose();
  app.quit();
});
