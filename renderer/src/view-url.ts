// The view on screen as the page's address: `#run=<id>&tab=<tab>`. A reload returns to it, a view
// can be linked, and back/forward walk the views (each change of run or tab is a history entry).

export interface ViewLocation { run: string | null; tab: string | null }

/** Reads `#run=...&tab=...` (either may be missing; unknown keys are ignored). */
export function parseViewHash(hash: string): ViewLocation {
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const run = q.get('run'), tab = q.get('tab');
  return { run: run ? run : null, tab: tab ? tab : null };
}

/** The hash for a view: `#run=<id>&tab=<tab>`, `#tab=new` without a run. */
export function viewHash(v: ViewLocation): string {
  const q = new URLSearchParams();
  if (v.run) q.set('run', v.run);
  if (v.tab) q.set('tab', v.tab);
  const s = q.toString();
  return s ? `#${s}` : '';
}
