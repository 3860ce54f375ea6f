// The page is served from a privileged custom scheme, app://trainscope/, not from file://: a
// file page has extra privileges (it can read other local files), its origin is "file://"
// (which postMessage cannot target), and its URL changes with the install path. Every response
// carries the CSP; a path that leaves the renderer's folder is a 404.
import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { contentType } from '../../shared/mime.ts';

import { APP_HOST, APP_SCHEME } from './app-protocol-origin.ts';

export { APP_HOST, APP_INDEX, APP_ORIGIN, APP_SCHEME } from './app-protocol-origin.ts';

/** The desktop page's policy: its own files only; engine events come over a MessagePort, not the network. */
export const DESKTOP_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:", "connect-src 'self'",
  "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'none'",
].join('; ');

/** Before the app is ready: app:// is a standard, secure scheme (a real origin, fetch, no mixed-content warnings). */
export function registerAppScheme() {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Is this URL our page (any path, any query or hash), and nothing else? */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && !u.username && !u.password && !u.port;
  } catch {
    return false;
  }
}

/** The file under `root` a request names, or null when it names none or one outside it. */
export function fileForRequest(root: string, url: string): string | null {
  if (!isAppUrl(url)) return null;
  let path: string;
  try {
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const file = resolve(root, `.${path === '/' ? '/index.html' : path}`);
  const rel = relative(root, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? file : null;
}

/** Serves the built renderer at app://trainscope/ (after the app is ready). */
export function serveApp(root: string) {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = fileForRequest(root, request.url);
    if (!file || request.method !== 'GET') return new Response('not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: { 'content-type': contentType(file), 'content-security-policy': DESKTOP_CSP, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' },
      });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}
