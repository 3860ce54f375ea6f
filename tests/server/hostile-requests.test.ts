// `trainscope serve` against hostile and malformed requests, as any web page or a careless client
// could send them: each gets an answer (400, a close code, an error message), and the server
// still serves the next request. (Any page can reach 127.0.0.1, token or not.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Served } from '../../main/server/serve.ts';
import { deepCommand, openSocket, rawProbes, sendRaw, serveStub } from './probes.ts';

let server: Served;

beforeAll(async () => {
  server = await serveStub();
});
afterAll(async () => { await server?.close(); });

async function stillServes() {
  expect((await fetch(`http://127.0.0.1:${server.port}/?token=${server.token}`)).status).toBe(200);
}

const socket = () => openSocket(server);

describe('hostile requests', () => {
  it.each(rawProbes(0, '').map(([what], i) => [what, i] as const))('%s: 400, and the server goes on', async (_what, i) => {
    expect(await sendRaw(server.port, rawProbes(server.port, server.token)[i][1])).toMatch(/^HTTP\/1\.1 400/);
    await stillServes();
  });

  it('a WebSocket message over the size limit closes that socket with 1009; the server goes on', async () => {
    const ws = await socket();
    const code = await new Promise<number>((resolve) => { ws.on('close', (c) => resolve(c)); ws.send('x'.repeat(6 * 1024 * 1024)); });
    expect(code).toBe(1009);
    await stillServes();
    const again = await socket(); // a new socket works
    again.close();
  });

  it('a spec nested thousands of levels deep is refused with a message before it reaches the engine', async () => {
    const ws = await socket();
    const reply = await new Promise<{ type: string; message?: string }>((resolve) => {
      ws.on('message', (d) => { const m = JSON.parse(String(d)); if (m.type === 'error') resolve(m); });
      // (built by hand: JSON.stringify itself overflows on 20,000 levels)
      ws.send(deepCommand(20_000));
    });
    expect(reply.message).toMatch(/nested more than 64 levels deep/);
    expect(server.supervisor.state.state).not.toBe('crashed');
    ws.close();
    await stillServes();
  });

  it('malformed commands get one error each on their own socket', async () => {
    const ws = await socket();
    const replies: string[] = [];
    ws.on('message', (d) => replies.push(JSON.parse(String(d)).message));
    ws.send('not json');
    ws.send(JSON.stringify({ type: 'launch-missiles' }));
    ws.send(JSON.stringify({ type: 'start' }));
    await expect.poll(() => replies.length).toBe(3);
    expect(replies[0]).toBe('message: not JSON');
    ws.close();
    await stillServes();
  });
});
