// One registry per process, one order: the engine's and the renderer's lists name the shared
// registry's instruments, in its order (the renderer's view list is checked in the components
// project, where Svelte files compile).
import { describe, expect, it } from 'vitest';
import { INSTRUMENTS } from '../../shared/instruments/registry.ts';
import { ENGINE_INSTRUMENTS } from '../../main/engine/instruments/registry.ts';
import { RENDERER_INSTRUMENTS } from '../../renderer/src/instruments/registry.ts';
import { instrumentsSchema, validateSpec } from '../../shared/spec.ts';

const ids = INSTRUMENTS.map((d) => d.id);

describe('instrument registries', () => {
  it('the engine and the renderer list the shared instruments in the same order, with the same definitions', () => {
    expect(ENGINE_INSTRUMENTS.map((i) => i.definition.id)).toEqual(ids);
    expect(RENDERER_INSTRUMENTS.map((i) => i.definition.id)).toEqual(ids);
    ENGINE_INSTRUMENTS.forEach((i, k) => expect(i.definition).toBe(INSTRUMENTS[k]));
    RENDERER_INSTRUMENTS.forEach((i, k) => expect(i.definition).toBe(INSTRUMENTS[k]));
  });

  it('ids are unique, versions positive, and an instrument that reduces collections can be packed and shown', () => {
    expect(new Set(ids).size).toBe(ids.length);
    for (const d of INSTRUMENTS) expect(d.version).toBeGreaterThanOrEqual(1);
    ENGINE_INSTRUMENTS.forEach((e, k) => {
      if (!e.reduce) return;
      expect(INSTRUMENTS[k].payload, `${e.definition.id} has a payload schema`).toBeDefined();
      expect(RENDERER_INSTRUMENTS[k].pack && RENDERER_INSTRUMENTS[k].add && RENDERER_INSTRUMENTS[k].store, `${e.definition.id} packs and stores its payload`).toBeTruthy();
    });
  });

  it('the spec instruments section has one section per instrument, each with `enabled`', () => {
    const keys = Object.keys(instrumentsSchema.shape);
    for (const id of ids) expect(keys).toContain(id);
    const r = validateSpec({ data: { train: { type: 'synthetic', name: 'moons' } }, model: { layers: [{ type: 'dense', units: 2 }] } });
    if (!r.ok) throw new Error('fixture');
    for (const id of ids) expect((r.spec.instruments as unknown as Record<string, { enabled: boolean }>)[id].enabled).toBe(true);
  });

  it('a spec with the saturation thresholds where version 1 had them still validates, and means the same', () => {
    const base = { data: { train: { type: 'synthetic', name: 'moons' } }, model: { layers: [{ type: 'dense', units: 2 }] } };
    const r = validateSpec({ ...base, instruments: { every: 5, saturation: { tanh: 0.1 } } });
    expect(r.ok && r.spec.instruments.activations.saturation).toEqual({ sigmoid: 0.02, tanh: 0.1 });
    const both = validateSpec({ ...base, instruments: { saturation: { tanh: 0.1 }, activations: { saturation: { tanh: 0.2 } } } });
    expect(both.ok ? [] : both.issues.map((i) => i.path)).toEqual(['instruments']);
  });
});
