// Every registered tool as a subcommand: `trainscope <tool> <spec.json> [--json] [--backend ...]
// [--<option> N]`. Options come from the tool's option schema; --json prints the tool's result
// with its id and format version; the exit code is the tool's verdict (0 pass, 1 fail).
import type { BackendChoice } from '../../engine/backends/select.ts';
import type { EngineTool } from '../../engine/tools/framework/tool.ts';
import { parseToolOptions } from '../../../shared/tools/framework/define.ts';
import { InputError } from '../../engine/errors.ts';
import { aboutSpec, loadSpecFile } from '../spec-file.ts';
import { bar } from '../progress.ts';

/** The flags a tool takes, from its option schema. */
export function toolFlags(tool: EngineTool): string[] {
  return Object.keys(tool.definition.options.shape);
}

/** CLI flag values (strings) as the tool's options: numbers where they look like numbers, then the schema decides. */
export function toolOptions(tool: EngineTool, flags: Record<string, string | undefined>): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const k of toolFlags(tool)) {
    const v = flags[k];
    // a decimal number (1e-3 too) is a number; anything else (0x10, 'many') stays text and the schema says why
    if (v !== undefined) raw[k] = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(v.trim()) ? Number(v) : v;
  }
  const r = parseToolOptions(tool.definition, raw);
  if (!r.ok) {
    const message = r.error.split(': ').slice(1).join(': ');
    // A rule across options names its flags itself; a bad value is named with its flag.
    if (message.includes('--')) throw new InputError(tool.definition.id, message);
    const key = Object.keys(raw).find((k) => r.error.includes(`--${k}`));
    throw new InputError(key ? `--${key}` : tool.definition.id, key ? `"${flags[key]}": ${message}` : r.error);
  }
  return r.options;
}

export async function toolCommand(tool: EngineTool, specPath: string, opts: { json: boolean; backend: BackendChoice; flags: Record<string, string | undefined> }): Promise<number> {
  const options = toolOptions(tool, opts.flags);
  const { spec, baseDir } = loadSpecFile(specPath);
  const tty = process.stderr.isTTY;
  let last = 0;
  const r = await aboutSpec(specPath, () => tool.run(spec, {
    baseDir, backend: opts.backend,
    onProgress: (p) => {
      const now = Date.now();
      if (!tty || (now - last < 100 && p.done < p.total)) return;
      last = now;
      process.stderr.write(`\r${tool.definition.title.toLowerCase()} ${bar(p.done / p.total)} ${p.done}/${p.total}${p.note ? ` ${p.note}` : ''}\x1b[K`);
    },
  }, options));
  if (tty) process.stderr.write('\r\x1b[K');
  process.stdout.write(opts.json ? `${JSON.stringify(Object.assign({ tool: tool.definition.id, v: tool.definition.version }, r, { tool: tool.definition.id, v: tool.definition.version }))}\n` : `${tool.report(r)}\n`);
  return tool.definition.verdict?.(r) === false ? 1 : 0;
}
