// The view on screen as the page's address: `#run=<id>&tab=<tab>`, or `#compare=<id>,<id>` for a
// comparison of runs. A reload returns to it, a view can be linked, and back/forward walk the
// views (each change of run, tab or compared runs is a history entry).

export interface ViewLocation {
  run: string | null;
  tab: string | null;
  /** the runs compared, in order (the Compare view); null when the address names none */
  compare?: string[] | null;
}

/** Reads `#run=...&tab=...` or `#compare=a,b` (any may be missing; unknown keys are ignored). */
export function parseViewHash(hash: string): ViewLocation {
  const raw = hash.replace(/^#/, '');
  const q = new URLSearchParams(raw);
  const run = q.get('run'), tab = q.get('tab');
  // split before decoding: an id with a comma in it is written %2C and stays one id
  const compare = raw.split('&').find((p) => p.startsWith('compare='))?.slice('compare='.length) ?? '';
  const ids = [...new Set(compare.split(',').map(decodePart).filter(Boolean))];
  return { run: run ? run : null, tab: tab ? tab : ids.length ? 'compare' : null, ...(ids.length ? { compare: ids } : {}) };
}

function decodePart(s: string): string {
  try { return decodeURIComponent(s.replace(/\+/g, ' ')).trim(); } catch { return ''; }
}

/** The hash for a view: `#run=<id>&tab=<tab>`, `#tab=new` without a run, `#compare=<id>,<id>` for a comparison. */
export function viewHash(v: ViewLocation): string {
  // a comparison's address is its runs: the tab is implied, the run open elsewhere is not part of it
  if (v.tab === 'compare' && v.compare?.length) return `#compare=${v.compare.map((id) => encodeURIComponent(id)).join(',')}`;
  const q = new URLSearchParams();
  if (v.run) q.set('run', v.run);
  if (v.tab) q.set('tab', v.tab);
  const s = q.toString();
  return s ? `#${s}` : '';
}
