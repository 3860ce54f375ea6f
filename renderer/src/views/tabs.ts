// The app's tabs, in order: the run library, a new run, the Overview and Layers views (which hold
// panels the instruments contribute), each instrument's own views in registry order, the model.
import type { Component } from 'svelte';
import type { RunData } from '../lib/run-data.ts';
import { INSTRUMENT_VIEWS } from '../instruments/view-registry.ts';
import type { ViewApp } from '../instruments/framework/instrument.ts';
import Library from './Library.svelte';
import NewRun from './NewRun.svelte';
import Overview from './Overview.svelte';
import Layers from './Layers.svelte';
import ModelSummary from './ModelSummary.svelte';
import Compare from './Compare.svelte';
import Sweeps from './Sweeps.svelte';

export interface Tab {
  id: string;
  title: string;
  // Core views take the whole app state; instrument views the narrower ViewApp it implements.
  component: Component<{ app: never }>;
  available?(run: RunData): boolean;
}

const CORE_FIRST: Tab[] = [
  { id: 'library', title: 'Runs', component: Library },
  // runs side by side: opened from the runs list with two or more ticked, or by its address
  { id: 'compare', title: 'Compare', component: Compare },
  { id: 'new', title: 'New run', component: NewRun },
  // hyperparameter sweeps from New run's spec: every trial a run in the library
  { id: 'sweeps', title: 'Sweeps', component: Sweeps },
  { id: 'overview', title: 'Overview', component: Overview },
  { id: 'layers', title: 'Layers', component: Layers },
];
const CORE_LAST: Tab[] = [{ id: 'model', title: 'Model', component: ModelSummary }];

export const TABS: Tab[] = [...CORE_FIRST, ...INSTRUMENT_VIEWS.flatMap((i) => i.views ?? []), ...CORE_LAST];

export function isTab(id: string): boolean {
  return TABS.some((t) => t.id === id);
}

export type { ViewApp };
