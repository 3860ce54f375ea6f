// Hardening every window: no navigation away from the app, no new windows, no webviews, no
// permissions, and IPC accepted only from our own window's top frame showing our own page.
import { app, session, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { isAppUrl } from './app-protocol.ts';

export function harden() {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  app.on('web-contents-created', (_e, contents: WebContents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event, url) => { if (!isAppUrl(url)) event.preventDefault(); });
    contents.on('will-redirect', (event, url) => { if (!isAppUrl(url)) event.preventDefault(); });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

/**
 * IPC from anything but our window's top frame at our own page is dropped. The page is compared
 * by scheme and host, not as a string: a #hash or a query must not drop every command.
 */
export function trustedSender(event: IpcMainEvent | IpcMainInvokeEvent, window: { webContents: WebContents } | null): boolean {
  if (!window || event.sender !== window.webContents) return false;
  const frame = event.senderFrame;
  return !!frame && frame === window.webContents.mainFrame && isAppUrl(frame.url);
}
