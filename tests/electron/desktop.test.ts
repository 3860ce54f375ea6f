// The desktop host (main/electron/*) run in Node against a stand-in for `electron` (its binary
// cannot be installed here): the window's settings, who may send commands, quitting mid-run,
// imports, the app:// scheme, the menu, a crashed renderer, and the native-backend probe.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeFakeElectron, type FakeElectron, type FakeWebContents } from './fake-electron.ts';
import { readRun } from '../../main/engine/run/run-folder.ts';
import { datasetRoot } from '../engine/data/dataset-folders.ts';
import { tmp } from '../helpers.ts';

const ROOT = join(__dirname, '../..');
let current: FakeElectron | null = null;
afterEach(() => { current?.killAll(); current = null; });

async function boot(opts: Parameters<typeof makeFakeElectron>[0] = {}, data = tmp('trainscope-desktop-data-')) {
  const fake = makeFakeElectron(opts);
  current = fake;
  vi.resetModules();
  vi.doMock('electron', () => fake.electron);
  const { startDesktop } = await import('../../main/electron/desktop.ts');
  const runs = tmp('trainscope-desktop-runs-');
  const renderer = tmp('trainscope-desktop-page-');
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Trainscope</title>');
  const host = startDesktop({ code: '/opt/trainscope/dist/electron', renderer, specs: join(ROOT, 'assets/specs'), runs, data });
  await new Promise((r) => setTimeout(r, 20)); // whenReady
  const win = fake.windows[0];
  win?.webContents.emit('did-finish-load');
  const toPage = () => fake.ports.at(-1)!.messages as { type: string; [k: string]: unknown }[];
  const send = (raw: unknown, event: { sender: unknown; senderFrame: unknown } = { sender: win.webContents, senderFrame: win.webContents.mainFrame }) =>
    fake.electron.ipcMain.emit('trainscope:command', event, raw);
  return { fake, host, runs, renderer, win, toPage, send };
}

const spec = (epochs: number) => ({
  name: 'desk', data: { train: { type: 'synthetic', name: 'moons', samples: 400 } },
  model: { layers: [{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 2, activation: 'softmax' }] },
  training: { epochs, batchSize: 8 }, instruments: { every: 5 },
});

describe('desktop host', () => {
  it('opens one hardened window on app://trainscope, with DevTools only in a development build', async () => {
    const { win, fake } = await boot({ packaged: true });
    expect(win.url).toBe('app://trainscope/index.html');
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, devTools: false });
    expect(win.options.webPreferences!.preload).toBe('/opt/trainscope/dist/electron/preload.cjs');
    expect(fake.protocolState.handlers.has('app')).toBe(true);
    const deny = fake.sessionState.permissionRequest as (wc: unknown, p: string, cb: (ok: boolean) => void) => void;
    let granted: boolean | null = null;
    deny(null, 'media', (ok) => { granted = ok; });
    expect(granted).toBe(false);
    const menu = fake.menus[0] as { label?: string; submenu?: { role?: string; label?: string; click?: () => void }[] }[];
    expect(menu.flatMap((m) => m.submenu ?? []).some((i) => i.role === 'toggleDevTools')).toBe(false);
    expect(win.options.webPreferences).not.toHaveProperty('enableBlinkFeatures');
    expect(win.options.webPreferences!.experimentalFeatures).toBe(false);
    const file = menu.find((m) => m.label === 'File')!.submenu as { label?: string; click?: () => void }[];
    file.find((i) => i.label === 'Open data folder')!.click!();
    await expect.poll(() => fake.opened.length).toBe(1);
    expect(fake.opened[0]).toMatch(/trainscope-desktop-data-/);
    const dev = await boot({ packaged: false });
    expect(dev.win.options.webPreferences!.devTools).toBe(true);
  });

  it('a runs folder it cannot write is said at start-up, in a dialog', async () => {
    const fake = makeFakeElectron();
    current = fake;
    vi.resetModules();
    vi.doMock('electron', () => fake.electron);
    const { startDesktop } = await import('../../main/electron/desktop.ts');
    const file = join(tmp(), 'a-file');
    writeFileSync(file, 'x');
    startDesktop({ code: '/x', renderer: tmp(), specs: join(ROOT, 'assets/specs'), runs: join(file, 'runs'), data: tmp() });
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.dialogs.boxes).toEqual([{ title: 'Trainscope cannot write its runs folder', content: expect.stringMatching(/a-file\/runs: cannot write the run folder \(ENOTDIR/) }]);
    expect(fake.windows).toHaveLength(1);
  });

  it('a packaged app starts the engine from app.asar.unpacked, not through the archive', async () => {
    const fake = makeFakeElectron({ packaged: true });
    current = fake;
    vi.resetModules();
    vi.doMock('electron', () => fake.electron);
    const { startDesktop, unpacked } = await import('../../main/electron/desktop.ts');
    expect(unpacked('/opt/Trainscope/resources/app.asar/dist/electron')).toBe('/opt/Trainscope/resources/app.asar.unpacked/dist/electron');
    expect(unpacked('C:\\Program Files\\Trainscope\\resources\\app.asar\\dist\\electron')).toBe('C:\\Program Files\\Trainscope\\resources\\app.asar.unpacked\\dist\\electron');
    expect(unpacked('/home/me/app.asarx/dist')).toBe('/home/me/app.asarx/dist');
    const host = startDesktop({ code: '/opt/Trainscope/resources/app.asar/dist/electron', renderer: tmp(), specs: join(ROOT, 'assets/specs'), runs: tmp(), data: tmp() });
    await new Promise((r) => setTimeout(r, 20));
    fake.windows[0].webContents.emit('did-finish-load');
    fake.electron.ipcMain.emit('trainscope:command', { sender: fake.windows[0].webContents, senderFrame: fake.windows[0].webContents.mainFrame }, { type: 'start', spec: spec(1) });
    await expect.poll(() => fake.forked.find((f) => f.endsWith('engine-process.mjs'))).toBe('/opt/Trainscope/resources/app.asar.unpacked/dist/electron/engine-process.mjs');
    await host!.supervisor.shutdown(2000);
  }, 60_000);

  it('a second launch does not open a second app', async () => {
    const { host, fake } = await boot({ singleInstance: false });
    expect(host).toBeNull();
    expect(fake.app.quitted).toBe(true);
    expect(fake.windows).toHaveLength(0);
  });

  it('commands from another window, a subframe, another page or no frame are dropped; ours is answered, even with a #hash', async () => {
    const { win, send, toPage } = await boot();
    const other = { url: 'app://trainscope/index.html' };
    send({ type: 'hello', v: 2 }, { sender: {} as FakeWebContents, senderFrame: win.webContents.mainFrame });
    send({ type: 'hello', v: 2 }, { sender: win.webContents, senderFrame: other });
    send({ type: 'hello', v: 2 }, { sender: win.webContents, senderFrame: null });
    win.webContents.mainFrame.url = 'file:///opt/trainscope/dist/renderer/index.html';
    send({ type: 'hello', v: 2 });
    win.webContents.mainFrame.url = 'https://evil.example/index.html';
    send({ type: 'hello', v: 2 });
    expect(toPage()).toEqual([]);
    win.webContents.mainFrame.url = 'app://trainscope/index.html#runs';
    send({ type: 'hello', v: 2 });
    expect(toPage().map((m) => m.type)).toEqual(['welcome']);
    expect(toPage()[0]).toMatchObject({ host: 'electron', engine: { state: 'idle' } });
  });

  it('an invalid command gets a one-line error in the window, and nothing runs', async () => {
    const { send, toPage } = await boot();
    send({ type: 'start' });
    send({ type: 'launch-missiles' });
    send('not even an object');
    const errors = toPage().filter((m) => m.type === 'error').map((m) => m.message as string);
    expect(errors).toHaveLength(3);
    for (const e of errors) expect(e).not.toContain('\n');
    expect(toPage().some((m) => m.type === 'started')).toBe(false);
  });

  it('quitting mid-run (menu Quit, Cmd+Q) ends the run stopped, with its run-end in the folder, then quits', async () => {
    const { fake, send, toPage, runs } = await boot();
    send({ type: 'start', spec: spec(300) });
    await expect.poll(() => toPage().filter((m) => m.type === 'events').length, { timeout: 60_000 }).toBeGreaterThan(3);
    // a fatal error report from the utility process lands in the run's engine.log
    const [dir0] = readdirSync(runs).filter((f) => f.startsWith('desk-'));
    fake.utilities.find((u) => u.listenerCount('error') > 0)!.emit('error', 'FatalError', 'v8::Isolate::Check', 'report');
    expect(readFileSync(join(runs, dir0, 'engine.log'), 'utf8')).toContain('error: the engine process failed (FatalError at v8::Isolate::Check)');
    fake.app.quit();
    expect(fake.app.quitted).toBe(false); // held until the run has ended
    fake.app.quit(); // impatient: Cmd+Q again, or the window closed meanwhile
    expect(fake.app.quitted).toBe(false);
    send({ type: 'start', spec: spec(1) });
    expect(toPage().at(-1)).toMatchObject({ type: 'error', message: 'Trainscope is quitting: nothing new starts' });
    await expect.poll(() => fake.app.quitted, { timeout: 15_000 }).toBe(true);
    const [dir] = readdirSync(runs).filter((f) => f.startsWith('desk-'));
    const end = readRun(join(runs, dir)).events.find((e) => e.type === 'run-end');
    expect(end).toMatchObject({ status: 'stopped' });
  }, 90_000);

  it('a named dataset in the app\'s own data folder is found by the engine', async () => {
    const env = process.env.TRAINSCOPE_DATA;
    process.env.TRAINSCOPE_DATA = '';
    try {
      const { send, toPage } = await boot({}, datasetRoot({ name: 'mnist' })); // (mnist: no Debian package can stand in for it)
      send({ type: 'start', spec: {
        name: 'desk-data', data: { train: { type: 'dataset', name: 'mnist', split: 'test' }, limit: 200 },
        model: { layers: [{ type: 'flatten' }, { type: 'dense', units: 10, activation: 'softmax' }] }, training: { epochs: 1 },
      } });
      const answer = () => toPage().find((m) => m.type === 'started' || m.type === 'error');
      await expect.poll(() => answer() !== undefined, { timeout: 60_000 }).toBe(true);
      expect(answer()).toMatchObject({ type: 'started' });
    } finally {
      if (env === undefined) delete process.env.TRAINSCOPE_DATA; else process.env.TRAINSCOPE_DATA = env;
    }
  }, 90_000);

  it('an imported folder whose log names a file outside it is refused, with the reason in the window', async () => {
    const { fake, send, toPage } = await boot();
    send({ type: 'hello', v: 2 });
    const dir = tmp('trainscope-import-');
    writeFileSync(join(dir, 'events.jsonl'), [
      '{"v":2,"t":1,"i":0,"type":"status","status":"running","step":0}',
      '{"v":2,"t":2,"i":1,"type":"samples","split":"test","n":1,"shape":[1],"encoding":"f32","lo":0,"hi":1,"labels":[0],"file":"../../../etc/passwd"}',
    ].join('\n'));
    fake.dialogs.open = () => Promise.resolve({ canceled: false, filePaths: [dir] });
    const menu = fake.menus[0] as { label?: string; submenu?: { label?: string; click?: () => void }[] }[];
    menu.find((m) => m.label === 'File')!.submenu!.find((i) => i.label === 'Import run folder...')!.click!();
    await expect.poll(() => toPage().find((m) => m.type === 'error')?.message).toMatch(/events\.jsonl: an event names the file "\.\.\/\.\.\/\.\.\/etc\/passwd", which is outside the run folder$/);
    expect(toPage().some((m) => m.type === 'file')).toBe(false);
    // the same through a symlink inside the folder
    const linked = tmp('trainscope-import-');
    mkdirSync(join(linked, 'samples'));
    symlinkSync('/etc/passwd', join(linked, 'samples', 'test.bin'));
    writeFileSync(join(linked, 'events.jsonl'), '{"v":2,"t":2,"i":0,"type":"samples","split":"test","n":1,"shape":[1],"encoding":"f32","lo":0,"hi":1,"labels":[0],"file":"samples/test.bin"}\n');
    fake.dialogs.open = () => Promise.resolve({ canceled: false, filePaths: [linked] });
    menu.find((m) => m.label === 'File')!.submenu!.find((i) => i.label === 'Import run folder...')!.click!();
    await expect.poll(() => toPage().filter((m) => m.type === 'error').at(-1)?.message).toMatch(/an event names the file "samples\/test\.bin", which is outside the run folder$/);
    // a folder that is not a run folder: said in the window, not an unhandled rejection
    const empty = tmp('trainscope-import-');
    mkdirSync(join(empty, 'x'));
    fake.dialogs.open = () => Promise.resolve({ canceled: false, filePaths: [empty] });
    menu.find((m) => m.label === 'File')!.submenu!.find((i) => i.label === 'Import run folder...')!.click!();
    await expect.poll(() => toPage().filter((m) => m.type === 'error').at(-1)?.message).toBe(`${empty}: not a run folder (no events.jsonl)`);
  });

  it('serves the page from app:// with the CSP, and nothing outside the renderer folder', async () => {
    const { fake } = await boot();
    const handle = fake.protocolState.handlers.get('app')!;
    const page = await handle(new Request('app://trainscope/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'.*connect-src 'self'/);
    for (const bad of ['app://trainscope/../../etc/passwd', 'app://trainscope/%2e%2e/%2e%2e/etc/passwd', 'app://other/index.html', 'app://trainscope/missing.js']) {
      expect((await handle(new Request(bad))).status, bad).toBe(404);
    }
  });

  it('a renderer that crashes is reloaded; a crash loop is not, and says so', async () => {
    const { win, fake } = await boot();
    for (let k = 0; k < 3; k++) win.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    expect(win.webContents.reloads).toBe(3);
    win.webContents.emit('render-process-gone', {}, { reason: 'oom', exitCode: 1 });
    expect(win.webContents.reloads).toBe(3);
    expect(fake.dialogs.boxes).toEqual([expect.objectContaining({ type: 'error', message: expect.stringContaining('crashed (oom) 4 times in a minute') })]);
    win.webContents.emit('render-process-gone', {}, { reason: 'clean-exit', exitCode: 0 });
    expect(win.webContents.reloads).toBe(3);
  });
});

describe('desktop pieces', () => {
  it('the preload posts the port to our own origin only', async () => {
    const { forwardPort } = await import('../../main/electron/port-forward.ts');
    const calls: unknown[][] = [];
    forwardPort({ postMessage: (...a: unknown[]) => { calls.push(a); } } as unknown as Window, []);
    expect(calls).toEqual([[{ type: 'trainscope:port' }, 'app://trainscope', []]]);
  });

  it('the macOS menu starts with the app menu; elsewhere File is first and holds Quit', async () => {
    const { menuTemplate } = await import('../../main/electron/menu.ts');
    const actions = { openSpec: () => {}, importRun: () => {}, openDataFolder: () => {} };
    const mac = menuTemplate({ mac: true, packaged: true, appName: 'Trainscope' }, actions);
    expect(mac.map((m) => m.label ?? m.role)).toEqual(['Trainscope', 'File', 'editMenu', 'View']);
    const linux = menuTemplate({ mac: false, packaged: false, appName: 'Trainscope' }, actions);
    expect(linux.map((m) => m.label ?? m.role)).toEqual(['File', 'editMenu', 'View']);
    expect((linux[0].submenu as { role?: string }[]).some((i) => i.role === 'quit')).toBe(true);
  });

  it('probes the native backends in utility processes, from any folder, by the binding\'s resolved path', async () => {
    const fake = makeFakeElectron({ utilityCwd: tmp('trainscope-cwd-') });
    current = fake;
    const { probeNativeBackends } = await import('../../main/electron/probe.ts');
    const fork = (script: string, args: string[]) => fake.electron.utilityProcess.fork(script, args) as never;
    // a pure-JS stand-in for the bindings (tfjs-node cannot be installed here): it loads and runs, with no GPU
    const probes = await probeNativeBackends(fork, '/opt/trainscope/dist/electron/probe-native.cjs', { 'node-gpu': '@tensorflow/tfjs', node: '@tensorflow/tfjs' });
    expect(probes).toEqual({ 'node-gpu': 'loaded, but found no usable GPU device', node: null });
    expect(await probeNativeBackends(fork, '/x/probe-native.cjs', { 'node-gpu': 'no-such-package-here', node: 'no-such-package-here' })).toEqual({ 'node-gpu': 'not installed', node: 'not installed' });
  }, 60_000);
});
