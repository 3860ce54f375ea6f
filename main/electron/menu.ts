// The application menu. On macOS the first menu is the app menu (named after the app), so it is
// given one and File comes second; DevTools are in the menu only in a development build.
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions { openSpec(): void; importRun(): void; openDataFolder(): void }

export function menuTemplate(opts: { mac: boolean; packaged: boolean; appName: string }, actions: MenuActions): MenuItemConstructorOptions[] {
  const file: MenuItemConstructorOptions = { label: 'File', submenu: [
    { label: 'Open spec...', accelerator: 'CmdOrCtrl+O', click: () => actions.openSpec() },
    { label: 'Import run folder...', accelerator: 'CmdOrCtrl+I', click: () => actions.importRun() },
    // where named datasets (Fashion-MNIST, MNIST) go when they are not installed system-wide
    { label: 'Open data folder', click: () => actions.openDataFolder() },
    ...(opts.mac ? [] : [{ type: 'separator' } as const, { role: 'quit' } as const]),
  ] };
  const view: MenuItemConstructorOptions = { label: 'View', submenu: [
    { role: 'reload' }, ...(opts.packaged ? [] : [{ role: 'toggleDevTools' } as const]),
    { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' },
  ] };
  const appMenu: MenuItemConstructorOptions = { label: opts.appName, submenu: [
    { role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' },
  ] };
  return [...(opts.mac ? [appMenu] : []), file, { role: 'editMenu' }, view];
}
