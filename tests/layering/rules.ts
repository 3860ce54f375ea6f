// The layering rules of the design handbook as one table, so that what each part of the code may
// depend on is read (and changed) in one place. The most specific matching directory wins; files
// outside every directory here (tests/, bench/, scripts/, bin/, config files) are not checked.

export interface Rule {
  /** Repo-relative folder. A `<slice>` segment matches any sub-folder except `framework`, which stays with the parent rule. */
  dir: string;
  /** Project paths: `x` is anything under x, `x/*` only the files directly in x; `<slice>` is the importing file's own slice. */
  mayImport: string[];
  /** Packages: an exact name, or a prefix ending in `*` (`svelte/*`, `@tensorflow/*`, `node:*`). Bare built-ins (`fs`) count as `node:*`. */
  bare: string[];
  why: string;
}

export const RULES: readonly Rule[] = [
  {
    dir: 'shared',
    mayImport: ['shared'],
    bare: ['zod'],
    why: 'types and schemas loaded by the engine, every host and the browser page alike, so they depend on nothing of theirs',
  },
  {
    dir: 'shared/instruments/<slice>',
    mayImport: ['shared/instruments/<slice>', 'shared/instruments/framework'],
    bare: ['zod'],
    why: "an instrument's wire types build only on the instrument framework, so a slice can be added or removed on its own",
  },
  {
    dir: 'main/engine',
    mayImport: ['main/engine', 'shared'],
    // tsx/*: the statistics worker's boot file loads TypeScript sources when the engine runs from them (CLI from a clone, tests)
    // bullmq, ioredis: a sweep's trials on workers elsewhere, through Redis (main/engine/sweep/queue)
    // h5wasm: Keras' HDF5 model files (main/engine/model-io), read and written without a native build
    bare: ['node:*', '@tensorflow/*', 'zod', 'jpeg-js', 'pngjs', 'mnist', 'mnist/*', 'tsx/*', 'bullmq', 'ioredis', 'h5wasm', 'h5wasm/*'],
    why: 'the training engine runs in a plain Node process under every host, so it never knows which host started it',
  },
  {
    dir: 'main/engine/instruments/<slice>',
    mayImport: ['main/engine/instruments/<slice>', 'main/engine/instruments/framework', 'shared/instruments/<slice>', 'shared/instruments/framework', 'shared/*'],
    bare: ['@tensorflow/*'],
    why: 'a collector sees the trainer only through the instrument framework, so instruments stay plug-ins that do not know each other',
  },
  {
    dir: 'main/electron',
    mayImport: ['main/electron', 'main/engine', 'shared'],
    bare: ['electron', 'node:*'],
    why: 'the desktop host, and the only code that may touch Electron',
  },
  {
    dir: 'main/server',
    mayImport: ['main/server', 'main/engine', 'shared'],
    // tsx: the engine process is forked with tsx's loader when the server runs from TypeScript sources
    bare: ['ws', 'node:*', 'tsx'],
    why: 'the browser-mode host serves the renderer over a WebSocket; it never imports Electron or the CLI',
  },
  {
    dir: 'main/cli',
    mayImport: ['main/cli', 'main/engine', 'main/server', 'shared'],
    bare: ['node:*'],
    why: 'the `serve` command starts the browser-mode host, so the CLI may import main/server; the server never imports the CLI',
  },
  {
    dir: 'renderer',
    mayImport: ['renderer', 'shared'],
    bare: ['svelte', 'svelte/*', 'd3', 'dexie'],
    why: 'runs in a sandboxed page: no Node, no TensorFlow, no engine',
  },
  {
    dir: 'renderer/src/instruments/<slice>',
    mayImport: ['renderer/src/instruments/<slice>', 'renderer/src/instruments/framework', 'renderer/src/charts', 'shared/instruments/<slice>', 'shared/instruments/framework', 'shared/*'],
    bare: ['svelte', 'svelte/*', 'd3'],
    why: "an instrument view gets its data through the renderer's instrument framework and draws with the shared charts, never through the app state",
  },
  {
    dir: 'shared/tools/<slice>',
    mayImport: ['shared/tools/<slice>', 'shared/tools/framework', 'shared/*'],
    bare: ['zod'],
    why: "a tool's options and result schema build only on the tool framework and the shared basics, so a tool can be added or removed on its own",
  },
  {
    dir: 'main/engine/tools/<slice>',
    mayImport: [
      'main/engine/tools/<slice>', 'main/engine/tools/framework', 'main/engine/*', 'main/engine/backends', 'main/engine/data', 'main/engine/model',
      'main/engine/optim', 'main/engine/train', 'main/engine/stats', 'main/engine/diagnosis', 'main/engine/run', 'main/engine/instruments/framework',
      'main/engine/data-audit', 'shared',
    ],
    // tsx/*: the audit's fold threads boot from TypeScript sources as the statistics worker does
    bare: ['@tensorflow/*', 'node:*', 'tsx/*'],
    why: 'a tool trains with the engine as a run does, but never reaches into an instrument or another tool: removing either must not break it',
  },
  {
    dir: 'renderer/src/tools/<slice>',
    mayImport: ['renderer/src/tools/<slice>', 'renderer/src/tools/framework', 'renderer/src/charts', 'shared/tools/<slice>', 'shared/tools/framework', 'shared/*'],
    bare: ['svelte', 'svelte/*', 'd3'],
    why: "a tool's panel shows its result with the shared charts, never through the app state",
  },
];
