import { resolve } from 'node:path';
import { serve } from '../../server/serve.ts';
import { ensureRendererBuilt } from '../../server/build-renderer.ts';
import { checkRunsFolder } from '../../engine/run/run-folder.ts';

export async function serveCommand(opts: { port?: number; runs: string }): Promise<number> {
  checkRunsFolder(resolve(opts.runs)); // (before the renderer is built: an unusable folder fails at once)
  const staticDir = await ensureRendererBuilt();
  const s = await serve({ port: opts.port, runsDir: resolve(opts.runs), baseDir: process.cwd(), staticDir });
  process.stdout.write(`Trainscope is running in browser mode (127.0.0.1 only). Open:\n  ${s.url}\n`);
  process.stderr.write('Ctrl-C to stop.\n');
  await new Promise<void>((res) => {
    const quit = () => { process.off('SIGINT', quit); process.off('SIGTERM', quit); void s.close().then(res); };
    process.on('SIGINT', quit);
    process.on('SIGTERM', quit);
  });
  return 0;
}
