// The compared runs read back from the run library, each rebuilt from its stored events as
// reopening it would (RunLibrary.open). A run the library lacks comes back with data null, so the
// view can say so instead of failing on it.
import type { RunData } from '../../lib/run-data.ts';
import type { CompareSource } from './compare-model.ts';

export interface RunSource {
  open(runId: string): Promise<RunData | null>;
}

export async function loadCompared(library: RunSource, ids: readonly string[], titles: ReadonlyMap<string, string>): Promise<CompareSource[]> {
  // (one after another: each open is one IndexedDB transaction, and the page has other work)
  const out: CompareSource[] = [];
  for (const id of ids) {
    try {
      out.push({ id, title: titles.get(id), data: await library.open(id) });
    } catch (e) {
      out.push({ id, title: titles.get(id), data: null, why: `run ${id} could not be read from the run library: ${(e as Error).message}` });
    }
  }
  return out;
}
