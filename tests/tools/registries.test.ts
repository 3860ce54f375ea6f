// One tool list, three sides: the engine's and the renderer's registries name the shared tools in
// the shared order; every tool's options are optional (a CLI call without flags, a button) and
// its CLI subcommand exists.
import { describe, expect, it } from 'vitest';
import { TOOLS } from '../../shared/tools/registry.ts';
import { ENGINE_TOOLS } from '../../main/engine/tools/registry.ts';
import { engineCommandSchema } from '../../shared/engine-service.ts';

describe('tool registries', () => {
  it('the engine lists the shared tools in the same order, with the same definitions', () => {
    expect(ENGINE_TOOLS.map((t) => t.definition)).toEqual([...TOOLS]);
    ENGINE_TOOLS.forEach((t, i) => expect(t.definition).toBe(TOOLS[i]));
  });

  it('every tool runs with no options at all, and refuses options it does not have', () => {
    for (const t of TOOLS) {
      expect(t.options.safeParse({}).success, t.id).toBe(true);
      expect(t.options.safeParse({ nonsense: 1 }).success, t.id).toBe(false);
    }
  });

  it('the engine service accepts a tool command for every tool, and nothing else', () => {
    for (const t of TOOLS) expect(engineCommandSchema.safeParse({ type: 'tool', tool: t.id, spec: {} }).success).toBe(true);
    expect(engineCommandSchema.safeParse({ type: 'tool', tool: 'rm-rf', spec: {} }).success).toBe(false);
    expect(engineCommandSchema.safeParse({ type: 'start', spec: {}, extra: 1 }).success).toBe(false);
    expect(engineCommandSchema.safeParse({ type: 'format-disk' }).success).toBe(false);
  });

  it('results may hold NaN and Infinity (a loss that blew up): the hosts\' check accepts them', async () => {
    const { overfitTool } = await import('../../shared/tools/overfit/definition.ts');
    const r = { passed: false, reason: 'lr_too_high', explanation: 'x', evidence: [], finalLoss: NaN, finalAccuracy: null, steps: 3, initialLoss: 2, expectedInitialLoss: null, initialLossOk: null, samples: 8, switchedOff: [], losses: [2, Infinity, -Infinity, NaN], backend: 'cpu' };
    const parsed = overfitTool.result.safeParse(r);
    expect(parsed.success).toBe(true);
    expect(parsed.success && parsed.data.losses).toEqual([2, Infinity, -Infinity, NaN]);
    // through JSON (browser mode, the CLI) they are nulls, read back as NaN
    const viaJson = overfitTool.result.safeParse(JSON.parse(JSON.stringify(r)));
    expect(viaJson.success && viaJson.data.losses).toEqual([2, NaN, NaN, NaN]);
  });
});
