// Hardening every window: no navigation away from the app, no new windows, no permissions,
// and IPC accepted only from our own top frame.
import { app, session, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { pathToFileURL } from 'node:url';

export function appUrl(indexHtml: string): string {
  return pathToFileURL(indexHtml).href;
}

export function harden(indexHtml: string) {
  const allowed = appUrl(indexHtml);
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  app.on('web-contents-created', (_e, contents: WebContents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event, url) => { if (url !== allowed) event.preventDefault(); });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

/** IPC from anything but our window's top frame at our own page is dropped. */
export function trustedSender(event: IpcMainEvent | IpcMainInvokeEvent, window: { webContents: WebContents } | null, indexHtml: string): boolean {
  if (!window || event.sender !== window.webContents) return false;
  const frame = event.senderFrame;
  return !!frame && frame === window.webContents.mainFrame && frame.url === appUrl(indexHtml);
}
