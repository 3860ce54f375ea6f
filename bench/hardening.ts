// Hardening figures for `npm run bench`: the bad-input corpus through the CLI (each must end with
// exit 2 and its one-line message: bad_input_handled), and the hostile probes against a live
// `trainscope serve` (after each, the server must still serve: server_survived).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deepCommand, openSocket, rawProbes, sendRaw, serveStub } from '../tests/server/probes.ts';

const ROOT = join(import.meta.dirname, '..');

export function benchBadInput() {
  const dir = join(ROOT, 'tests/fixtures/bad-input');
  const cases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as { spec: string; message: string }[];
  let handled = 0;
  for (const c of cases) {
    // (no TRAINSCOPE_DATA and a home folder of its own, as in tests/cli/bad-input.test.ts)
    const env = { ...process.env, TRAINSCOPE_DATA: '', HOME: mkdtempSync(join(tmpdir(), 'bad-home-')) };
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/trainscope.mjs'), 'train', join(dir, c.spec), '--out', mkdtempSync(join(tmpdir(), 'bad-')), '--backend', 'cpu'], { encoding: 'utf8', env });
    const lines = r.stderr.trim().split('\n');
    const ok = r.status === 2 && lines.length === 1 && new RegExp(c.message).test(lines[0]) && !/internal error/.test(r.stderr);
    if (ok) handled++; else process.stderr.write(`  bad input not handled: ${c.spec}: exit ${r.status}: ${lines.at(-1)}\n`);
  }
  return { bad_input_handled: `${handled}/${cases.length}` };
}

export async function benchServerProbes() {
  const server = await serveStub();
  const alive = async () => (await fetch(`http://127.0.0.1:${server.port}/?token=${server.token}`).catch(() => null))?.status === 200;
  const socket = () => openSocket(server);
  const probes: [string, () => Promise<void>][] = [
    ...rawProbes(server.port, server.token).map(([what, bytes]) => [what, async () => { await sendRaw(server.port, bytes); }] as [string, () => Promise<void>]),
    ['a 6 MiB WebSocket message', async () => { const ws = await socket(); await new Promise((r) => { ws.on('close', r); ws.send('x'.repeat(6 * 1024 * 1024)); }); }],
    ['a command nested 20,000 levels deep', async () => { const ws = await socket(); ws.send(deepCommand(20_000)); await new Promise((r) => setTimeout(r, 200)); ws.close(); }],
    ['not JSON, an unknown command, a start without a spec', async () => { const ws = await socket(); for (const m of ['not json', '{"type":"launch"}', '{"type":"start"}']) ws.send(m); await new Promise((r) => setTimeout(r, 200)); ws.close(); }],
  ];
  let survived = 0;
  for (const [what, probe] of probes) {
    await probe().catch(() => undefined);
    if (await alive()) survived++; else process.stderr.write(`  server did not survive: ${what}\n`);
  }
  await server.close();
  return { server_survived: `${survived}/${probes.length}` };
}
