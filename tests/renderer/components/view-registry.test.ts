// The renderer's view registry lists the shared instruments in registry order, and the app's
// tabs come from it: the core views first, each instrument's own views in that order, the model last.
import { describe, expect, it } from 'vitest';
import { INSTRUMENTS } from '../../../shared/instruments/registry.ts';
import { INSTRUMENT_VIEWS } from '../../../renderer/src/instruments/view-registry.ts';
import { TABS } from '../../../renderer/src/views/tabs.ts';
import { evidenceTab } from '../../../renderer/src/views/panels.ts';

describe('view registry', () => {
  it('lists the instruments in the shared order', () => {
    expect(INSTRUMENT_VIEWS.map((v) => v.id)).toEqual(INSTRUMENTS.map((d) => d.id));
  });

  it('tabs: core views, then the instruments\' own views in registry order, then the model; ids unique', () => {
    const own = INSTRUMENT_VIEWS.flatMap((v) => v.views ?? []).map((v) => v.id);
    expect(TABS.map((t) => t.id)).toEqual(['library', 'compare', 'new', 'sweeps', 'overview', 'layers', ...own, 'model']);
    expect(new Set(TABS.map((t) => t.id)).size).toBe(TABS.length);
  });

  it('every instrument\'s evidence opens a tab that exists', () => {
    const tabs = new Set(TABS.map((t) => t.id));
    const finding = (source: string, kind = 'dead_units') => ({ source, kind }) as never;
    for (const v of INSTRUMENT_VIEWS) expect(tabs.has(evidenceTab(finding(v.id)))).toBe(true);
    expect(evidenceTab(finding('activations'))).toBe('saturation');
    expect(evidenceTab(finding('activations', 'init_activation_scale'))).toBe('layers');
    expect(evidenceTab(finding('gradients'))).toBe('layers');
    expect(evidenceTab(finding('run'))).toBe('overview');
    expect(evidenceTab(finding('setup'))).toBe('model');
  });
});
