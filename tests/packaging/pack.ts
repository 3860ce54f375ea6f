// What the packaging test needs to see the app as electron-builder ships it, without Electron's
// binary (it cannot be downloaded here): the desktop bundles with their esbuild metafiles, a
// stand-in Electron binary that carries a real fuse wire, a staged copy of the project, and
// readers for the asar archive and the fuse wire.
import { spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, symlinkSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');

/** Electron's fuse wire marker (@electron/fuses); the wire follows it: version, length, one byte per fuse. */
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Fuse order of wire version 1; a binary may carry more fuses than a given tool knows. */
export const FUSES = ['runAsNode', 'enableCookieEncryption', 'enableNodeOptionsEnvironmentVariable', 'enableNodeCliInspectArguments',
  'enableEmbeddedAsarIntegrityValidation', 'onlyLoadAppFromAsar', 'loadBrowserProcessSpecificV8Snapshot', 'grantFileProtocolExtraPrivileges', 'wasmTrapHandlers'] as const;
/** Electron's own defaults ('1' on, '0' off), which a fuse keeps unless packaging flips it. */
export const DEFAULT_WIRE = '101100011';

/** Runs scripts/build-electron.mjs into `out`; it writes a metafile beside each bundle. */
export function buildBundles(out: string) {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-electron.mjs'), '--out', out], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build-electron.mjs failed: ${r.stderr}${r.stdout}`);
}

/** The package a bare specifier names ('@a/b/c' -> '@a/b', 'a/b' -> 'a'); null for builtins and paths. */
export function packageOf(spec: string): string | null {
  if (isBuiltin(spec) || spec.startsWith('.') || spec.startsWith('/')) return null;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export interface BundleImports {
  /** what esbuild left for Node to load at run time (import, dynamic import, require) */
  external: string[];
  /** string literals passed to require.resolve: packages read by path, such as data files */
  resolved: string[];
}

/** Per bundle (main, preload, probe-native, engine-process, stats-worker): what it loads at run time. */
export function bundleImports(out: string): Record<string, BundleImports> {
  const result: Record<string, BundleImports> = {};
  for (const f of readdirSync(out).filter((n) => /^meta-.+\.json$/.test(n))) {
    const meta = JSON.parse(readFileSync(join(out, f), 'utf8')) as { outputs: Record<string, { imports: { path: string; external?: boolean }[]; entryPoint?: string }> };
    const [file, output] = Object.entries(meta.outputs).find(([, o]) => o.entryPoint)!;
    const code = readFileSync(resolve(ROOT, file), 'utf8');
    result[f.slice(5, -5)] = {
      external: [...new Set(output.imports.filter((i) => i.external).map((i) => i.path))].sort(),
      resolved: [...new Set([...code.matchAll(/\.resolve\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]))].sort(),
    };
  }
  return result;
}

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/**
 * Every package `roots` need at run time, by name: their dependencies, optional dependencies
 * and required peer dependencies (an optional peer is the user's to install), transitively, as installed in `project`/node_modules and resolved the way Node
 * resolves them (the nearest node_modules folder first). Roots that are not installed (an
 * optional native backend that could not be downloaded) are named but have no dependencies.
 */
export function runtimeClosure(project: string, roots: string[]): Set<string> {
  const names = new Set<string>(roots);
  const seen = new Set<string>();
  const locate = (from: string, name: string): string | null => {
    for (let dir = from; dir.startsWith(project); dir = dirname(dir)) {
      const at = join(dir, 'node_modules', name);
      if (existsSync(join(at, 'package.json'))) return at;
      if (dir === project) break;
    }
    return null;
  };
  const visit = (at: string, name: string) => {
    if (seen.has(at)) return;
    seen.add(at);
    names.add(name);
    const m = JSON.parse(readFileSync(join(at, 'package.json'), 'utf8')) as Manifest;
    const peers = Object.keys(m.peerDependencies ?? {}).filter((p) => !m.peerDependenciesMeta?.[p]?.optional);
    for (const dep of [...Object.keys({ ...m.dependencies, ...m.optionalDependencies }), ...peers]) {
      const found = locate(at, dep);
      if (found) visit(found, dep);
    }
  };
  for (const root of roots) {
    const at = locate(project, root);
    if (at) visit(at, root);
  }
  return names;
}

/** Mirrors a folder tree with hard links (same file system): a full node_modules in about a second. */
function linkTree(from: string, to: string, skip: (name: string) => boolean = () => false) {
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from, { withFileTypes: true })) {
    if (skip(e.name)) continue;
    const src = join(from, e.name), dst = join(to, e.name);
    if (e.isDirectory()) linkTree(src, dst);
    else if (e.isSymbolicLink()) symlinkSync(readlinkSync(src), dst);
    else linkSync(src, dst);
  }
}

/** A stand-in Electron binary: a few bytes and the fuse wire of a real one, at its defaults. */
function fakeElectron(dir: string) {
  mkdirSync(dir, { recursive: true });
  const wire = Buffer.concat([Buffer.from(SENTINEL), Buffer.from([1, DEFAULT_WIRE.length]), Buffer.from(DEFAULT_WIRE)]);
  writeFileSync(join(dir, 'electron'), Buffer.concat([Buffer.from('#!/bin/sh\n# not Electron: a stand-in for packaging tests\n'), wire, Buffer.from('\n')]), { mode: 0o755 });
}

/** The fuse wire of a binary, as a string of '0'/'1' (or 'r' for a removed fuse). */
export function fuseWire(binary: string): string {
  const bytes = readFileSync(binary);
  const at = bytes.indexOf(SENTINEL);
  if (at < 0) throw new Error(`${binary}: no fuse wire`);
  const start = at + SENTINEL.length;
  return bytes.subarray(start + 2, start + 2 + bytes[start + 1]).toString('latin1');
}

export interface AsarEntry { path: string; unpacked: boolean }

/** The files an asar archive lists (Pickle header: 4 bytes, header size, 4 bytes, JSON length, JSON). */
export function asarFiles(archive: string): AsarEntry[] {
  const fd = openSync(archive, 'r');
  try {
    const head = Buffer.alloc(16);
    readSync(fd, head, 0, 16, 0);
    const json = Buffer.alloc(head.readUInt32LE(12));
    readSync(fd, json, 0, json.length, 16);
    type Node = { files?: Record<string, Node>; unpacked?: boolean };
    const out: AsarEntry[] = [];
    const walk = (node: Node, path: string) => {
      if (node.files) for (const [name, child] of Object.entries(node.files)) walk(child, path ? `${path}/${name}` : name);
      else out.push({ path, unpacked: !!node.unpacked });
    };
    walk(JSON.parse(json.toString('utf8')) as Node, '');
    return out;
  } finally {
    closeSync(fd);
  }
}

/** Packages by name found in a list of shipped paths (a folder with a package.json under node_modules). */
export function packagesIn(paths: string[]): Set<string> {
  const names = new Set<string>();
  for (const p of paths) {
    const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\/package\.json$/.exec(p);
    if (m) names.add(m[1]);
  }
  return names;
}

/** Native and wasm binaries: the files that must be outside the asar archive. */
export const isBinary = (path: string) => /\.(node|wasm|dll|dylib)$|\.so(\.\d+)*$|(^|\/)libtensorflow[^/]*$/.test(path);

export interface PackedApp {
  stage: string;
  /** electron-builder's output folder: outside the project, so nothing in it resolves packages from the project */
  out: string;
  /** resources/ of the packed app: app.asar and app.asar.unpacked */
  resources: string;
  binary: string;
  /** every shipped file, relative to the app root, and whether it is outside the archive */
  files: AsarEntry[];
  /** electron-builder's output, for failure messages */
  log: string;
}

/**
 * Packs the app as `electron-builder --dir --linux` does from a staged copy of the project:
 * package.json, package-lock.json, electron-builder.yml and assets/ as they are, node_modules
 * hard-linked, the desktop bundles built fresh, a placeholder renderer page and a stand-in
 * Electron binary. Where the native TensorFlow binding is not installed (here: it cannot be
 * downloaded) a stand-in package with its file layout takes its place, so that the rules for
 * native files are exercised. The stage sits in node_modules/.cache (same file system as the
 * links); the output goes to `out`, a folder with no node_modules above it.
 */
export function packApp(stage: string, out: string): PackedApp {
  mkdirSync(stage, { recursive: true });
  for (const f of ['package.json', 'package-lock.json', 'electron-builder.yml']) cpSync(join(ROOT, f), join(stage, f));
  cpSync(join(ROOT, 'assets'), join(stage, 'assets'), { recursive: true });
  linkTree(join(ROOT, 'node_modules'), join(stage, 'node_modules'), (n) => n === '.cache' || n === '.vite');
  buildBundles(join(stage, 'dist', 'electron'));
  mkdirSync(join(stage, 'dist', 'renderer'), { recursive: true });
  writeFileSync(join(stage, 'dist', 'renderer', 'index.html'), '<!doctype html><title>Trainscope</title>\n');
  const native = join(stage, 'node_modules', '@tensorflow', 'tfjs-node');
  if (!exists(native)) {
    writeFileSync(join(mkdirs(native), 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node', version: '4.22.0', main: 'dist/index.js' }));
    for (const f of ['lib/napi-v8/tfjs_binding.node', 'lib/napi-v8/libtensorflow.so.2', 'deps/lib/libtensorflow.so.2', 'deps/lib/libtensorflow.2.dylib', 'deps/lib/tensorflow.dll']) {
      writeFileSync(join(mkdirs(dirname(join(native, f))), f.split('/').pop()!), 'stand-in\n');
    }
  }
  fakeElectron(join(stage, 'electron-dist'));
  const electronVersion = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies.electron;
  const env = { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' };
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'electron-builder', 'cli.js'), '--dir', '--linux', '--publish', 'never',
    '--projectDir', stage, `-c.electronDist=${join(stage, 'electron-dist')}`, `-c.electronVersion=${electronVersion}`, `-c.directories.output=${out}`],
  { cwd: stage, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const log = `${r.stdout}${r.stderr}`;
  if (r.status !== 0) throw new Error(`electron-builder failed (exit ${r.status}):\n${log.slice(-4000)}`);
  const app = join(out, 'linux-unpacked');
  const resources = join(app, 'resources');
  const files = asarFiles(join(resources, 'app.asar'));
  // anything unpacked that the header does not list (electron-builder lists all; be sure)
  const listed = new Set(files.map((f) => f.path));
  for (const f of walkFiles(join(resources, 'app.asar.unpacked'))) if (!listed.has(f)) files.push({ path: f, unpacked: true });
  const binary = join(app, readdirSync(app).find((n) => n !== 'resources' && lstatSync(join(app, n)).isFile() && (lstatSync(join(app, n)).mode & 0o111) !== 0)!);
  return { stage, out, resources, binary, files, log };
}

function walkFiles(dir: string, base = dir): string[] {
  if (!exists(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walkFiles(join(dir, e.name), base) : [relative(base, join(dir, e.name)).split(sep).join('/')]);
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function mkdirs(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
