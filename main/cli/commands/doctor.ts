import { diagnoseBackends } from '../../engine/backends/select.ts';

export async function doctorCommand(json: boolean): Promise<number> {
  const { attempts, wasm } = await diagnoseBackends();
  const chosen = attempts.find((a) => a.ok)?.name ?? null;
  const report = { node: process.version, platform: `${process.platform}-${process.arch}`, chosen, backends: attempts, wasm: wasm ?? null };
  if (json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  }
  const lines = [`node ${report.node} on ${report.platform}`];
  for (const a of attempts) lines.push(`${a.ok ? 'ok  ' : 'no  '} ${a.name.padEnd(9)}${a.ok ? '' : ` ${a.reason}`}${a.name === chosen ? '  <- used by --backend auto' : ''}`);
  if (wasm) lines.push(`wasm: SIMD ${wasm.simd ? 'yes' : 'no'}, threads ${wasm.threads ? 'yes' : 'no'}`);
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
