// The renderer's tools name the shared tools in the shared order (checked here, where Svelte
// panels compile).
import { describe, expect, it } from 'vitest';
import { TOOLS } from '../../../shared/tools/registry.ts';
import { RENDERER_TOOLS } from '../../../renderer/src/tools/registry.ts';

describe('renderer tool registry', () => {
  it('lists the shared tools in the same order, each with a panel and a verdict', () => {
    expect(RENDERER_TOOLS.map((t) => t.definition.id)).toEqual(TOOLS.map((t) => t.id));
    for (const t of RENDERER_TOOLS) expect(t.panel).toBeTypeOf('function');
    for (const t of RENDERER_TOOLS) expect(t.verdict, `${t.definition.id}: a one-line verdict`).toBeTypeOf('function');
  });
});
