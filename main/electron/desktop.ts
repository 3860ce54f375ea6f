// The desktop host. The main process owns the window, the menu and the file dialogs; the engine
// runs in a utility process (a crash or a hang never freezes the window); engine events reach
// the renderer over a MessagePort; commands come back through the preload's narrow API and are
// validated here, with their sender, before anything acts on them.
import { app, BrowserWindow, dialog, ipcMain, Menu, MessageChannelMain, shell, utilityProcess, type MessagePortMain, type UtilityProcess } from 'electron';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { HOST_PROTOCOL_VERSION, parseCommand, type HostMessage } from '../../shared/host.ts';
import { EngineSupervisor, type EngineProcess } from '../engine/process/supervisor.ts';
import { SweepService } from '../engine/sweep/sweep-service.ts';
import { checkRunsFolder, makeDirs } from '../engine/run/run-folder.ts';
import { loadPresets } from '../engine/presets.ts';
import type { NativeProbes } from '../engine/backends/native.ts';
import { harden, trustedSender } from './security.ts';
import { APP_INDEX, serveApp } from './app-protocol.ts';
import { readRunForImport } from './import-run.ts';
import { menuTemplate } from './menu.ts';
import { probeNativeBackends } from './probe.ts';

export interface DesktopPaths {
  /** dist/electron: the engine, the probe, the preload */
  code: string;
  /** dist/renderer: the page */
  renderer: string;
  /** assets/specs: the presets, and where their relative data paths resolve */
  specs: string;
  /** where runs are written */
  runs: string;
  /** the app's own folder for named datasets (searched after TRAINSCOPE_DATA) */
  data: string;
}

export const WINDOW_OPTIONS = (preload: string, packaged: boolean): Electron.BrowserWindowConstructorOptions => ({
  width: 1400, height: 900, title: 'Trainscope', backgroundColor: '#0d1117', show: true,
  webPreferences: {
    preload, contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false,
    webSecurity: true, allowRunningInsecureContent: false, experimentalFeatures: false, webviewTag: false, spellcheck: false, devTools: !packaged,
  },
});

/** How long a quit waits for the engine to end a run in progress (it writes run-end stopped either way). */
export const QUIT_WAIT_MS = 5000;

export function startDesktop(paths: DesktopPaths) {
  // one window, one engine, one runs folder: a second launch focuses the first
  if (!app.requestSingleInstanceLock()) { app.quit(); return null; }

  let window: BrowserWindow | null = null;
  let port: MessagePortMain | null = null;
  const post = (m: HostMessage) => { port?.postMessage(m); };
  const fail = (message: string) => post({ type: 'error', message });

  // filled by the probe before the first command reaches the engine (commands wait for it)
  const probes: NativeProbes = {};
  const supervisor = new EngineSupervisor({ spawn: () => spawnEngine(join(unpacked(paths.code), 'engine-process.mjs')), runsDir: paths.runs, baseDir: paths.specs, probes, dataDirs: [paths.data] });
  supervisor.subscribe(post);
  // a sweep's trials run on engines of their own (utility processes too), beside the app's engine
  const sweeps = new SweepService({ spawn: () => spawnEngine(join(unpacked(paths.code), 'engine-process.mjs')), runsDir: paths.runs, baseDir: paths.specs, dataDirs: [paths.data] });
  sweeps.subscribe(post);
  let probed: Promise<unknown> = Promise.resolve();

  /** A fresh port to the renderer on every page load; the preload hands it to the page. */
  const connectRenderer = (win: BrowserWindow) => {
    const { port1, port2 } = new MessageChannelMain();
    port?.close();
    port = port1;
    port.start();
    win.webContents.postMessage('trainscope:port', null, [port2]);
  };

  const pickFile = async (kind: 'spec' | 'run-log') => {
    if (!window) return;
    const r = await dialog.showOpenDialog(window, kind === 'spec'
      ? { title: 'Open a run spec', filters: [{ name: 'Run spec', extensions: ['json'] }], properties: ['openFile'] }
      : { title: 'Import a run folder', properties: ['openDirectory'] });
    if (r.canceled || !r.filePaths[0]) return;
    const picked = r.filePaths[0];
    const text = kind === 'spec' ? await readFile(picked, 'utf8') : await readRunForImport(picked);
    post({ type: 'file', kind, name: basename(picked), text });
  };
  // (an error in a dialog or a read is shown in the window, never an unhandled rejection)
  const pick = (kind: 'spec' | 'run-log') => { pickFile(kind).catch((e) => fail((e as Error).message)); };

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  // Quit (menu, Cmd+Q, the last window closed): a run in progress ends stopped, with its run-end
  // in its folder, before the engine goes; the quit goes on once it has.
  // Every quit asked for while the run is being ended waits too (a second Cmd+Q, the window
  // closed meanwhile); the shutdown starts once, and the app quits when it is done.
  let quitting = false, shutDown = false;
  app.on('before-quit', (event) => {
    if (shutDown) return;
    event.preventDefault();
    if (quitting) return;
    quitting = true;
    void Promise.all([supervisor.shutdown(QUIT_WAIT_MS), sweeps.shutdown()]).finally(() => { shutDown = true; app.quit(); });
  });
  app.on('window-all-closed', () => app.quit());

  void app.whenReady().then(() => {
    try {
      checkRunsFolder(paths.runs);
    } catch (e) {
      // the app still opens (its library and imports work); every run would fail, so say why now
      dialog.showErrorBox('Trainscope cannot write its runs folder', (e as Error).message);
    }
    harden();
    serveApp(paths.renderer);
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(
      { mac: process.platform === 'darwin', packaged: app.isPackaged, appName: app.name },
      {
        openSpec: () => pick('spec'), importRun: () => pick('run-log'),
        // (a folder of our own, opened in the file manager: never a URL or a path from a page)
        openDataFolder: () => {
          try { makeDirs(paths.data); } catch (e) { fail(`${paths.data}: ${(e as Error).message}`); return; }
          void shell.openPath(paths.data).then((err) => { if (err) fail(`${paths.data}: ${err}`); });
        },
      },
    )));
    probed = probeNativeBackends((script, args) => utilityProcess.fork(script, args, { serviceName: 'Trainscope backend probe', stdio: 'pipe' }), join(paths.code, 'probe-native.cjs'))
      .then((p) => { Object.assign(probes, p); })
      .catch((e) => {
        // recorded as failed, so the engine never probes itself (it cannot: RunAsNode is off)
        const why = `the probe failed: ${(e as Error).message}`;
        Object.assign(probes, { 'node-gpu': why, node: why });
        fail(`the native backends could not be probed (${(e as Error).message}); the engine uses wasm`);
      });

    ipcMain.on('trainscope:command', (event, raw) => {
      if (!trustedSender(event, window)) return;
      const r = parseCommand(raw);
      if (!r.ok) { post({ type: 'error', message: r.error }); return; }
      const c = r.command;
      if (c.type === 'hello') {
        post({ type: 'welcome', v: HOST_PROTOCOL_VERSION, presets: loadPresets(paths.specs), engine: supervisor.state, host: 'electron', tool: supervisor.toolRun, sweep: sweeps.state });
        return;
      }
      if (c.type === 'sweep-start' || c.type === 'sweep-stop') {
        if (quitting && c.type === 'sweep-start') { post({ type: 'error', message: 'Trainscope is quitting: nothing new starts', sweep: true }); return; }
        const asking = port;
        void probed.then(() => sweeps.command(c, (m) => { if (port === asking) asking?.postMessage(m); }));
        return;
      }
      // no new run once the app is quitting: it would be killed without its run-end
      if (quitting && (c.type === 'start' || c.type === 'tool')) { post({ type: 'error', message: 'Trainscope is quitting: nothing new starts' }); return; }
      // in order, and only once the engine can be told which native backends work; the answer goes
      // to the page that asked (a reload meanwhile has a port of its own)
      const asking = port;
      void probed.then(() => supervisor.command(c, (m) => { if (port === asking) asking?.postMessage(m); }));
    });

    window = new BrowserWindow(WINDOW_OPTIONS(join(paths.code, 'preload.cjs'), app.isPackaged));
    const win = window;
    win.webContents.on('did-finish-load', () => connectRenderer(win));
    // A renderer that crashed is reloaded (what it had not stored comes back in a replay); a
    // crash loop is not: after three within a minute the window says so and stays.
    const crashes: number[] = [];
    win.webContents.on('render-process-gone', (_e, details) => {
      if (details.reason === 'clean-exit') return;
      const now = Date.now();
      crashes.push(now);
      const recent = crashes.filter((t) => now - t < 60_000).length;
      if (recent <= 3) { win.reload(); return; }
      void dialog.showMessageBox(win, { type: 'error', message: `The Trainscope window crashed (${details.reason}) ${recent} times in a minute; runs on disk are kept. Reload from the View menu to try again.` });
    });
    win.on('closed', () => { window = null; port = null; });
    void win.loadURL(APP_INDEX);
  });

  return { supervisor, window: () => window };
}

/**
 * The engine is an ES module with its packages beside it outside the archive (electron-builder's
 * asarUnpack): in a packaged app it is started from app.asar.unpacked, never through Electron's
 * asar loader, whose ES-module support has had regressions.
 */
export function unpacked(dir: string): string {
  return app.isPackaged ? dir.replace(/([\\/])app\.asar(?=[\\/]|$)/, '$1app.asar.unpacked') : dir;
}

/** The engine in a utility process; its output is kept (engine.log), its fatal errors reported. */
function spawnEngine(entry: string): EngineProcess {
  const child: UtilityProcess = utilityProcess.fork(entry, [], { serviceName: 'Trainscope engine', stdio: 'pipe' });
  const output: ((text: string) => void)[] = [];
  for (const s of [child.stdout, child.stderr]) s?.on('data', (d: Buffer) => { for (const l of output) l(d.toString('utf8')); });
  // (a V8 fatal error in the engine: its report goes to the log before the exit is seen)
  child.on('error', (type, location) => { for (const l of output) l(`error: the engine process failed (${type} at ${location})\n`); });
  return {
    send: (m) => child.postMessage(m),
    onMessage: (l) => child.on('message', l),
    onExit: (l) => child.on('exit', (code) => l(code, null)),
    onOutput: (l) => { output.push(l); },
    kill: () => { child.kill(); },
  };
}
