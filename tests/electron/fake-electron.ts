// A stand-in for the `electron` module (its binary cannot be installed on these machines): just
// enough of app, BrowserWindow, ipcMain, dialog, Menu, protocol, session, MessageChannelMain and
// utilityProcess for main/electron/* to run in Node. Utility processes are real Node children
// running the TypeScript entries through tsx, so the engine and the probe are the real ones.
import { EventEmitter } from 'node:events';
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(__dirname, '../..');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** The TypeScript source a bundled entry comes from. */
const SOURCES: Record<string, string> = {
  'engine-process.mjs': join(ROOT, 'main/engine/process/engine-process.ts'),
  'probe-native.cjs': join(ROOT, 'main/electron/probe-native.ts'),
};

export class FakeWebContents extends EventEmitter {
  mainFrame = { url: '' };
  posted: { channel: string; ports: unknown[] }[] = [];
  reloads = 0;
  postMessage(channel: string, _m: unknown, ports: unknown[] = []) { this.posted.push({ channel, ports }); }
  reload() { this.reloads++; }
}

export function makeFakeElectron(opts: { packaged?: boolean; singleInstance?: boolean; utilityCwd?: string } = {}) {
  const windows: FakeBrowserWindow[] = [];
  const ports: FakePort[] = [];
  const app = Object.assign(new EventEmitter(), {
    isPackaged: opts.packaged ?? false,
    name: 'Trainscope',
    quitted: false,
    quitCalls: 0,
    requestSingleInstanceLock: () => opts.singleInstance ?? true,
    whenReady: () => Promise.resolve(),
    getAppPath: () => ROOT,
    getPath: () => ROOT,
    quit() {
      app.quitCalls++;
      let prevented = false;
      app.emit('before-quit', { preventDefault: () => { prevented = true; } });
      if (!prevented) app.quitted = true;
    },
  });
  class FakePort extends EventEmitter {
    messages: unknown[] = [];
    closed = false;
    postMessage(m: unknown) { this.messages.push(structuredClone(m)); }
    start() {}
    close() { this.closed = true; }
  }
  class FakeBrowserWindow extends EventEmitter {
    webContents = new FakeWebContents();
    url = '';
    constructor(readonly options: Electron.BrowserWindowConstructorOptions) { super(); windows.push(this); }
    loadURL(url: string) { this.url = url; this.webContents.mainFrame.url = url; return Promise.resolve(); }
    isMinimized() { return false; }
    restore() {}
    focus() {}
    reload() { this.webContents.reload(); }
  }
  const dialogs: { boxes: unknown[]; open: () => Promise<{ canceled: boolean; filePaths: string[] }> } = {
    boxes: [], open: () => Promise.resolve({ canceled: true, filePaths: [] }),
  };
  const protocolState: { privileged: unknown[]; handlers: Map<string, (r: Request) => Promise<Response>> } = { privileged: [], handlers: new Map() };
  const sessionState = { permissionRequest: null as unknown, permissionCheck: null as unknown };
  const menus: unknown[] = [];
  const opened: string[] = [];
  const children: ReturnType<typeof fork>[] = [];
  /** every entry a utility process was started from */
  const forked: string[] = [];
  /** the utility processes, as main sees them */
  const utilities: EventEmitter[] = [];
  const electron = {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain: new EventEmitter(),
    dialog: {
      showOpenDialog: () => dialogs.open(),
      showMessageBox: (_w: unknown, box: unknown) => { dialogs.boxes.push(box); return Promise.resolve({ response: 0 }); },
      showErrorBox: (title: string, content: string) => { dialogs.boxes.push({ title, content }); },
    },
    shell: { openPath: (p: string) => { opened.push(p); return Promise.resolve(''); } },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: (m: unknown) => { menus.push(m); } },
    MessageChannelMain: class { port1 = new FakePort(); port2 = new FakePort(); constructor() { ports.push(this.port1); } },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => { protocolState.privileged.push(...s); },
      handle: (scheme: string, h: (r: Request) => Promise<Response>) => { protocolState.handlers.set(scheme, h); },
    },
    session: { defaultSession: {
      setPermissionRequestHandler: (h: unknown) => { sessionState.permissionRequest = h; },
      setPermissionCheckHandler: (h: unknown) => { sessionState.permissionCheck = h; },
    } },
    utilityProcess: {
      fork(entry: string, args: string[] = []) {
        forked.push(entry);
        const name = entry.split(/[\\/]/).at(-1)!;
        const source = SOURCES[name];
        if (!source) throw new Error(`fake utilityProcess: no source for ${entry}`);
        const child = fork(source, args, { execArgv: ['--import', TSX], stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced', cwd: opts.utilityCwd });
        children.push(child);
        const u = Object.assign(new EventEmitter(), {
          stdout: child.stdout, stderr: child.stderr,
          postMessage: (m: unknown) => { if (child.connected) child.send(m as never); },
          kill: () => child.kill('SIGKILL'),
        });
        utilities.push(u);
        child.on('message', (m) => u.emit('message', m));
        child.on('exit', (code, signal) => u.emit('exit', code ?? (signal ? 1 : 0)));
        return u;
      },
    },
  };
  return { electron, app, windows, ports, dialogs, protocolState, sessionState, menus, forked, opened, utilities, killAll: () => { for (const c of children) c.kill('SIGKILL'); } };
}

export type FakeElectron = ReturnType<typeof makeFakeElectron>;
