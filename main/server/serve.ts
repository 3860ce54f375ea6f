// Browser mode: the same renderer as the desktop app, served on 127.0.0.1 only and connected to
// an engine over a WebSocket. Every request and socket must carry this session's random token
// (in the URL once, then an HttpOnly SameSite=Strict cookie); a foreign Origin or Host is refused,
// which also defeats DNS-rebinding pages.
import { contentType } from '../../shared/mime.ts';
import { checkRunsFolder } from '../engine/run/run-folder.ts';
import { stringifyJson } from '../../shared/json-number.ts';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { join, normalize, resolve } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { HOST_PROTOCOL_VERSION, parseCommand, type HostMessage } from '../../shared/host.ts';
import { EngineSupervisor, type EngineProcess } from '../engine/process/supervisor.ts';
import { SweepService } from '../engine/sweep/sweep-service.ts';
import { loadPresets } from '../engine/presets.ts';
import { forkEngine } from './fork-engine.ts';

export interface ServeOptions {
  port?: number;
  runsDir: string;
  baseDir: string;
  /** the built renderer (vite build output) */
  staticDir: string;
  spawn?: () => EngineProcess;
  hangAfterMs?: number;
}

export interface Served { url: string; port: number; token: string; close(): Promise<void>; supervisor: EngineSupervisor }

const COOKIE = 'trainscope_token';
const MAX_MESSAGE = 4 * 1024 * 1024;

/** The request's URL, its path decoded; null when either cannot be parsed (`//[x`, `/%E0%A4%A`). */
export function parseUrl(raw: string | undefined): (URL & { path: string }) | null {
  try {
    const url = new URL(raw ?? '/', 'http://127.0.0.1');
    return Object.assign(url, { path: decodeURIComponent(url.pathname) });
  } catch {
    return null;
  }
}

export function csp(port: number): string {
  return [
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`, "object-src 'none'", "base-uri 'none'",
    "frame-ancestors 'none'", "form-action 'none'",
  ].join('; ');
}

export async function serve(opts: ServeOptions): Promise<Served> {
  const token = randomBytes(24).toString('base64url');
  const tokenBuf = Buffer.from(token);
  const staticDir = resolve(opts.staticDir);
  if (!existsSync(join(staticDir, 'index.html'))) throw new Error(`${staticDir}: the renderer is not built (npm run build)`);
  checkRunsFolder(opts.runsDir);
  const supervisor = new EngineSupervisor({ spawn: opts.spawn ?? forkEngine, runsDir: opts.runsDir, baseDir: opts.baseDir, hangAfterMs: opts.hangAfterMs });
  const sweeps = new SweepService({ spawn: opts.spawn ?? forkEngine, runsDir: opts.runsDir, baseDir: opts.baseDir, hangAfterMs: opts.hangAfterMs });
  const presets = loadPresets();
  let port = 0;

  const validToken = (t: string | null | undefined) => {
    if (!t) return false;
    const b = Buffer.from(t);
    return b.length === tokenBuf.length && timingSafeEqual(b, tokenBuf);
  };
  const cookieToken = (req: IncomingMessage) => /(?:^|;\s*)trainscope_token=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
  const hostOk = (req: IncomingMessage) => req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`;
  const originOk = (req: IncomingMessage) => req.headers.origin === `http://127.0.0.1:${port}` || req.headers.origin === `http://localhost:${port}`;

  const refuse = (res: ServerResponse, code: number, why: string) => {
    res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`${why}\n`);
  };

  // The one request guard: whatever a page or a client sends, a request that cannot be parsed is a
  // 400 and nothing a handler throws reaches the process (any web page can send requests here).
  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch {
      if (!res.headersSent) refuse(res, 400, 'bad request');
      else res.destroy();
    }
  });
  server.on('clientError', (_err, socket) => { if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'); else socket.destroy(); });

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = parseUrl(req.url);
    if (!url) return refuse(res, 400, 'bad request: the URL cannot be parsed');
    if (!hostOk(req)) return refuse(res, 403, 'forbidden: unexpected Host');
    if (req.headers.origin && !originOk(req)) return refuse(res, 403, 'forbidden: foreign Origin');
    const fromQuery = url.searchParams.get('token');
    if (!validToken(fromQuery) && !validToken(cookieToken(req))) return refuse(res, 403, 'forbidden: this session needs its token (open the URL trainscope serve printed)');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'method not allowed');
    const rel = url.pathname === '/' ? 'index.html' : url.path.slice(1);
    const file = normalize(join(staticDir, rel));
    if (!file.startsWith(staticDir) || !existsSync(file) || !statSync(file).isFile()) return refuse(res, 404, 'not found');
    const headers: Record<string, string> = {
      'content-type': contentType(file),
      'content-security-policy': csp(port), 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    };
    if (fromQuery) headers['set-cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const url = parseUrl(req.url);
    if (!url) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return;
    }
    const ok = hostOk(req) && originOk(req) && (validToken(url.searchParams.get('token')) || validToken(cookieToken(req)));
    if (!ok || url.pathname !== '/ws') {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    try {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    } catch {
      socket.destroy();
    }
  });

  const clients = new Set<WebSocket>();
  const send = (ws: WebSocket, m: HostMessage) => { if (ws.readyState === ws.OPEN) ws.send(stringifyJson(m)); };
  supervisor.subscribe((m) => { for (const ws of clients) send(ws, m); });
  sweeps.subscribe((m) => { for (const ws of clients) send(ws, m); });

  wss.on('connection', (ws) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    // (a message over the size limit ends the socket with close code 1009; the server goes on)
    ws.on('error', () => { clients.delete(ws); ws.terminate(); });
    ws.on('message', (data) => {
      let raw: unknown;
      try { raw = JSON.parse(String(data)); } catch { return send(ws, { type: 'error', message: 'message: not JSON' }); }
      const r = parseCommand(raw);
      if (!r.ok) return send(ws, { type: 'error', message: r.error });
      const c = r.command;
      if (c.type === 'hello') return send(ws, { type: 'welcome', v: HOST_PROTOCOL_VERSION, presets, engine: supervisor.state, host: 'browser', tool: supervisor.toolRun, sweep: sweeps.state });
      if (c.type === 'sweep-start' || c.type === 'sweep-stop') return sweeps.command(c, (m) => send(ws, m));
      // refusals and replays are for the tab that asked, not for every tab
      supervisor.command(c, (m) => send(ws, m));
    });
  });

  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(opts.port ?? 0, '127.0.0.1', () => res());
  });
  port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`, port, token, supervisor,
    close: async () => {
      // a run in progress ends stopped, with its run-end, not interrupted; a sweep's trials too (it resumes)
      await Promise.all([supervisor.shutdown(), sweeps.shutdown()]);
      for (const ws of clients) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
