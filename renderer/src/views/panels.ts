// What the instruments contribute to the app's shared views: their panels in the Overview and
// Layers views, and where a finding's evidence is shown.
import type { Finding } from '../../../shared/diagnosis/finding.ts';
import { INSTRUMENT_VIEWS } from '../instruments/view-registry.ts';
import type { PanelDef } from '../instruments/framework/instrument.ts';

/** The panels instruments add to a shared view, in registry order. */
export function panelsOf(view: PanelDef['view'], scope?: PanelDef['scope']): PanelDef['component'][] {
  return INSTRUMENT_VIEWS.flatMap((i) => i.panels ?? []).filter((p) => p.view === view && (scope === undefined || (p.scope ?? 'all-layers') === scope)).map((p) => p.component);
}

/** The tab with a finding's evidence: its instrument's view, the Overview for the run's loss, the Model for its set-up. */
export function evidenceTab(f: Finding): string {
  if (f.source === 'run') return 'overview';
  if (f.source === 'setup') return 'model';
  const inst = INSTRUMENT_VIEWS.find((i) => i.id === f.source);
  return inst?.evidenceView?.(f) ?? inst?.views?.[0]?.id ?? 'overview';
}

