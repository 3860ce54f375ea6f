// Hostile and malformed requests for `trainscope serve`: raw HTTP the way any web page or a broken
// client can send it. Used by the hostile-request test and by `npm run bench` (server_survived).
import { connect } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { serve, type Served } from '../../main/server/serve.ts';

const UPGRADE = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n';

/** [what it is, the raw request for a server on `port` with session `token`] */
export function rawProbes(port: number, token: string): [string, string][] {
  const host = `Host: 127.0.0.1:${port}\r\n`;
  return [
    ['an unparseable URL, without the token (what any page\'s <img> can send)', `GET //[x HTTP/1.1\r\n${host}\r\n`],
    ['bad percent-encoding, with the token', `GET /%E0%A4%A?token=${token} HTTP/1.1\r\n${host}\r\n`],
    ['an unparseable URL on the upgrade path', `GET //[x HTTP/1.1\r\n${host}${UPGRADE}\r\n`],
    ['bytes that are not HTTP', '\u0000\u0001\u0002 not http at all\r\n\r\n'],
    ['a header line without a colon', `GET / HTTP/1.1\r\n${host}this is not a header\r\n\r\n`],
  ];
}

/** Sends raw bytes and returns the status line of the answer ('' if the socket closed without one). */
export function sendRaw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => s.write(bytes));
    let got = '';
    s.on('data', (d) => { got += String(d); if (got.includes('\r\n')) s.destroy(); });
    s.on('close', () => resolve(got.split('\r\n')[0]));
    s.on('error', () => resolve(got.split('\r\n')[0]));
    setTimeout(() => s.destroy(), 2000);
  });
}

/** A command nested `depth` levels deep, built as text (JSON.stringify itself overflows on such depth). */
export function deepCommand(depth: number): string {
  return `{"type":"start","spec":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
}

/** `trainscope serve` on a stub page (the requests, not the app, are under test), with a fresh runs folder. */
export async function serveStub(runsDir = mkdtempSync(join(tmpdir(), 'trainscope-runs-'))): Promise<Served> {
  const staticDir = mkdtempSync(join(tmpdir(), 'trainscope-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  return serve({ runsDir, baseDir: tmpdir(), staticDir });
}

/** A WebSocket to the server with its token and its own Origin, once open. */
export function openSocket(server: Served): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { headers: { origin: `http://127.0.0.1:${server.port}` } });
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
  });
}
