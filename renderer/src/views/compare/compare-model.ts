// What the Compare view shows of N runs, as plain data: each run's colour, status and diagnosis
// headline, the fields their specs differ in, and the layers they share by name. Pure: built
// from the runs as the library rebuilds them from their stored events (RunData), so a sweep can
// open a comparison of its trials by run ids and the rules are tested without a page.
import { canDie, canSaturate, type LayerInfo } from '../../../../shared/layers.ts';
import type { RunData } from '../../lib/run-data.ts';
import { causeState } from '../../diagnosis/cause-view.ts';
import { NOT_SET, specDiffRows, type SpecDiffRow } from '../library/spec-diff.ts';
import { runColor } from './palette.ts';

/** A run asked for by id: its data, or null when the library does not have it (deleted, never stored). */
export interface CompareSource { id: string; title?: string; data: RunData | null; /** why data is null, when it is not simply missing */ why?: string }

export interface ComparedRun {
  id: string;
  title: string;
  /** the run's colour in every panel of the comparison */
  color: string;
  data: RunData;
  status: string;
  /** the cause card's headline, or what stands instead of one */
  diagnosis: { kind: 'cause' | 'healthy' | 'running' | 'unexplained'; text: string };
  /** steps per epoch: how the step axis maps to the epoch axis */
  stepsPerEpoch: number;
}

export interface MissingRun { id: string; why: string }

/** A layer name and, per compared run (in order), its index in that run or why it has none. */
export interface LayerRow {
  name: string;
  cells: ({ index: number; info: LayerInfo } | { missing: string })[];
}

export interface Comparison {
  runs: ComparedRun[];
  missing: MissingRun[];
  specDiff: SpecDiffRow[];
  layers: LayerRow[];
}

/** The diagnosis as one line: the cause's title, "no problem found", "still running". */
export function diagnosisLine(run: RunData): ComparedRun['diagnosis'] {
  // an interrupted run will get no more events: it is judged on what it has, not "still running"
  const ended = !!run.end || run.status === 'interrupted';
  const state = causeState(run.diagnosis, run.findings, ended);
  if (state === 'cause' && run.diagnosis?.cause) return { kind: 'cause', text: run.diagnosis.cause.title };
  if (state === 'watching') return { kind: 'running', text: 'still running' };
  if (state === 'healthy') return { kind: 'healthy', text: 'no problem found' };
  const n = run.findings.filter((f) => f.severity !== 'info').length;
  return { kind: 'unexplained', text: `no single cause (${n} finding${n === 1 ? '' : 's'} on their own)` };
}

/** Layers worth a row: those with a gradient (variables) or a saturation / dead measure (a LeakyReLU layer of its own). A flatten or dropout has neither. */
const measured = (l: LayerInfo) => l.variables.length > 0 || canSaturate(l.unitKind) || canDie(l.unitKind);

/**
 * The layers of N runs aligned by name: every name any run has, in the order the runs list them
 * (the first run's order, then names only later runs have, after the layer they follow). A run
 * without a layer of that name gets the reason instead of an index.
 */
export function alignLayers(runs: readonly { title: string; layers: readonly LayerInfo[] }[]): LayerRow[] {
  const names: string[] = [];
  for (const r of runs) {
    let after = -1; // where the previous layer of this run sits in `names`
    for (const l of r.layers) {
      if (!measured(l)) continue;
      const at = names.indexOf(l.name);
      if (at >= 0) { after = at; continue; }
      names.splice(after + 1, 0, l.name);
      after += 1;
    }
  }
  return names.map((name) => ({
    name,
    cells: runs.map((r) => {
      const index = r.layers.findIndex((l) => l.name === name);
      if (index >= 0) return { index, info: r.layers[index] };
      const count = r.layers.filter(measured).length;
      return { missing: r.layers.length ? `${r.title} has no layer named ${name} (its ${count} layer${count === 1 ? '' : 's'}: ${r.layers.filter(measured).map((l) => l.name).join(', ')})` : `${r.title} recorded no layers` };
    }),
  }));
}

/** The comparison of the runs in `sources`, in their order; the ones the library lacks are listed with why. */
export function compareRuns(sources: readonly CompareSource[]): Comparison {
  const runs: ComparedRun[] = [];
  const missing: MissingRun[] = [];
  for (const s of sources) {
    if (!s.data) { missing.push({ id: s.id, why: s.why ?? `run ${s.id} is not in the run library (deleted, or never stored here)` }); continue; }
    const d = s.data;
    runs.push({
      id: s.id,
      title: s.title ?? d.start?.spec.name ?? s.id,
      color: runColor(runs.length),
      data: d,
      status: d.status,
      diagnosis: diagnosisLine(d),
      stepsPerEpoch: d.start?.stepsPerEpoch ?? 0,
    });
  }
  // (every stored run has its start event, so its spec; one without would show "—" in each row)
  const specDiff = specDiffRows(runs.map((r) => r.data.start?.spec ?? {}));
  distinguishTitles(runs, specDiff);
  return { runs, missing, specDiff, layers: alignLayers(runs.map((r) => ({ title: r.title, layers: r.data.layerInfo }))) };
}

/** `training.optimizer.learningRate` -> `learningRate`, `model.layers[1].units` -> `layers[1].units`. */
export function shortPath(path: string): string {
  const parts = path.split('.');
  // a field of a list item keeps the item: `layers[1].units`, not a bare `units`
  return parts.length > 1 && parts[parts.length - 2].endsWith(']') ? parts.slice(-2).join('.') : parts[parts.length - 1];
}

/**
 * Runs of the same title (a spec run again with one change) would share a legend entry's words,
 * and a sweep's trials (`<sweep>-t001`, `-t002`...) differ only by a number: each gets what sets
 * it apart, from the first fields their specs differ in ("learningRate 0.03", "type sgd"), else
 * its place in the list.
 */
export function distinguishTitles(runs: { title: string }[], specDiff: readonly SpecDiffRow[]): void {
  const groups = new Map<string, number[]>();
  const family = (title: string) => title.replace(/-t\d{3,}$/, '');
  runs.forEach((r, i) => groups.set(family(r.title), [...(groups.get(family(r.title)) ?? []), i]));
  for (const at of groups.values()) {
    if (at.length < 2) continue;
    // the fields in which the runs of this title differ among themselves (not from the others)
    const differ = specDiff.filter((row) => at.some((i) => row.values[i] !== row.values[at[0]]));
    // fields every one of them sets read best ("type adam", not "rho —"): those first
    const everyone = differ.filter((row) => at.every((i) => row.values[i] !== NOT_SET));
    const telling = (everyone.length ? everyone : differ).slice(0, 2);
    at.forEach((i, k) => {
      const parts = telling.filter((row) => row.values[i] !== NOT_SET).map((row) => `${shortPath(row.path)} ${row.values[i]}`);
      // (a trial keeps its own name: only what tells it apart is added)
      runs[i].title = `${runs[i].title} · ${parts.length ? parts.join(', ') : `#${k + 1}`}`;
    });
  }
}
