// Named datasets (`{type: "dataset", name: "fashion-mnist", split: "train"}`): where this machine
// keeps their files. A spec names the data rather than a path, so one preset runs on a Debian
// machine with the package installed, on a Mac with the files in ~/.trainscope/data, and in the
// desktop app with the files in its own data folder. What each dataset is: shared/datasets.ts.
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { DATASETS, datasetFileNames, type DatasetName, type DatasetSplit, type IdxFileNames, type KnownDataset } from '../../../shared/datasets.ts';
import { InputError } from '../errors.ts';

/** Folders searched first, `path.delimiter`-separated (`:` here, `;` on Windows). */
export const DATA_ENV = 'TRAINSCOPE_DATA';

/** Where Debian's dataset packages put their files (dataset-fashion-mnist: /usr/share/datasets/fashion-mnist). */
const SYSTEM_DIRS = process.platform === 'win32' ? [] : ['/usr/share/datasets'];

export interface DataSearchOptions {
  /** a host's own data folders, searched after TRAINSCOPE_DATA and before ~/.trainscope/data (the desktop app: <userData>/data) */
  hostDirs?: readonly string[];
  /** the environment TRAINSCOPE_DATA is read from (default: this process's) */
  env?: Readonly<Record<string, string | undefined>>;
  /** the user's home folder, which holds .trainscope/data (default: os.homedir()) */
  home?: string;
  /** the system's dataset folders (default: /usr/share/datasets; none on Windows) */
  systemDirs?: readonly string[];
}

/** Why a folder is searched: named in TRAINSCOPE_DATA, given by the host, the user's, the system's. */
export type RootKind = 'TRAINSCOPE_DATA' | 'host' | 'user' | 'system';
export interface DataRoot { dir: string; kind: RootKind }

/** The folders that hold one sub-folder per dataset, in the order they are searched (each once). */
export function dataRoots(o: DataSearchOptions = {}): DataRoot[] {
  const fromEnv = ((o.env ?? process.env)[DATA_ENV] ?? '').split(delimiter).filter((d) => d.trim() !== '');
  const roots: DataRoot[] = [
    ...fromEnv.map((dir) => ({ dir: resolve(dir), kind: 'TRAINSCOPE_DATA' as const })),
    ...(o.hostDirs ?? []).map((dir) => ({ dir: resolve(dir), kind: 'host' as const })),
    { dir: join(o.home ?? homedir(), '.trainscope', 'data'), kind: 'user' },
    ...(o.systemDirs ?? SYSTEM_DIRS).map((dir) => ({ dir: resolve(dir), kind: 'system' as const })),
  ];
  const seen = new Set<string>();
  return roots.filter((r) => !seen.has(r.dir) && seen.add(r.dir));
}

/** One folder looked at: `missing` names the files it lacks (empty: it has them all), null when the folder does not exist. */
export interface SearchedFolder { dir: string; kind: RootKind; missing: string[] | null }

export interface DatasetLookup {
  name: DatasetName;
  /** the first folder that holds all four files, and their paths (plain or .gz, as found) */
  found: { dir: string; kind: RootKind; files: Record<DatasetSplit, IdxFileNames> } | null;
  /** every folder looked at, in order, up to and including the one found */
  searched: SearchedFolder[];
}

const isFile = (p: string) => statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
const isDir = (p: string) => statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;

/** A file by its published name, plain or gzip-compressed (the plain one when both exist: nothing to decompress). */
function fileIn(dir: string, name: string): string | null {
  return [name, `${name}.gz`].map((f) => join(dir, f)).find(isFile) ?? null;
}

/** Looks for a dataset's four files in `<root>/<name>` for every root, in order; the first folder holding all four wins. */
export function findDataset(name: DatasetName, o: DataSearchOptions = {}): DatasetLookup {
  const known: KnownDataset = DATASETS[name];
  const searched: SearchedFolder[] = [];
  for (const root of dataRoots(o)) {
    const dir = join(root.dir, name);
    if (!isDir(dir)) { searched.push({ dir, kind: root.kind, missing: null }); continue; }
    const missing = datasetFileNames(name).filter((f) => !fileIn(dir, f));
    searched.push({ dir, kind: root.kind, missing });
    if (missing.length) continue;
    const pair = (f: IdxFileNames) => ({ images: fileIn(dir, f.images)!, labels: fileIn(dir, f.labels)! });
    return { name, found: { dir, kind: root.kind, files: { train: pair(known.files.train), test: pair(known.files.test) } }, searched };
  }
  return { name, found: null, searched };
}

/** Why a dataset cannot be used, and how to get it, on one line. */
export function notFoundMessage(l: DatasetLookup): string {
  const known: KnownDataset = DATASETS[l.name];
  const folders = l.searched.map((s) => (s.missing?.length ? `${s.dir} (lacks ${s.missing.join(', ')})` : s.dir)).join(', ');
  const install = known.debianPackage ? `install it with \`apt-get install ${known.debianPackage}\` (Debian, Ubuntu) or ` : '';
  return `dataset "${l.name}" not found (searched ${folders}): ${install}put its four files ${datasetFileNames(l.name).join(', ')} (each may be .gz) in one of those folders, or in <dir>/${l.name} with <dir> in ${DATA_ENV}`;
}

/** The two files of a dataset's split; an InputError naming the spec `field` when no folder holds the dataset. */
export function datasetSplitFiles(name: DatasetName, split: DatasetSplit, field: string, o: DataSearchOptions = {}): { files: IdxFileNames; dir: string } {
  const l = findDataset(name, o);
  if (!l.found) throw new InputError(field, notFoundMessage(l));
  return { files: l.found.files[split], dir: l.found.dir };
}
