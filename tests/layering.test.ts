// The layering rules of the design handbook, enforced over the real tree (the table is in
// layering/rules.ts), plus guards proving the checker can fail: a rule that silently accepts
// everything would look exactly like a tree that obeys it.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { governingRule, imports, violations } from './layering/check.ts';
import { RULES } from './layering/rules.ts';
import { sourceFiles } from './layering/walk.ts';

const ROOT = resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const baseDir = (dir: string) => dir.split('/<slice>')[0];

describe('layering of the real tree', () => {
  it.each(RULES)('$dir imports only what its rule allows', (rule) => {
    // each file is checked once, under the most specific rule that governs it
    const files = sourceFiles(ROOT, baseDir(rule.dir)).filter((f) => governingRule(f, RULES)?.rule === rule);
    expect(files.flatMap((f) => violations(f, read(f), RULES)), rule.why).toEqual([]);
  });

  it('every rule names a folder that exists, and every source file of the app falls under a rule', () => {
    for (const rule of RULES) expect(existsSync(join(ROOT, baseDir(rule.dir))), rule.dir).toBe(true);
    const app = ['main', 'shared', 'renderer'].flatMap((d) => sourceFiles(ROOT, d));
    expect(app.filter((f) => !governingRule(f, RULES))).toEqual([]);
  });

  it('the scanner sees the real trainer import tfjs, and the walk finds the engine (guards a rule that cannot fail)', () => {
    expect(imports(read('main/engine/train/trainer.ts'), 'trainer.ts')).toContain('@tensorflow/tfjs');
    expect(sourceFiles(ROOT, 'main/engine').length).toBeGreaterThan(10);
  });
});

describe('the import scanner', () => {
  it('finds every import form, and nothing in comments, strings or regexes', () => {
    const src = [
      "import x from 'a1';",
      "import {a, b} from 'a2';",
      "import {\n  a,\n  b,\n} from 'a3';",
      "import * as ns from 'a4';",
      "import type {T} from 'a5';",
      "import d, {y} from 'a6';",
      "import 'a7';",
      'import "./b.css";',
      "export * from 'a8';",
      "export {a} from 'a9';",
      "export type {T} from 'a10';",
      "export * as ns2 from 'a11';",
      "const m = await import('a12');",
      "const r = require('a13');",
      "const u = new URL('./file.mjs', import.meta.url);",
      "const w = new Worker(new URL('./worker.js', import.meta.url));",
      "// import 'no1';",
      "/* import 'no2';\n import 'no3'; */",
      "const s = 'http://example.com'; import 'a14';",
      `const t = "import 'no4'";`,
      "const re = /['\"]/; import 'a15';",
      "const q = new URL(req.url, 'http://127.0.0.1');",
      "this.library.importLog('no5');",
      "const tpl = `${x} import('no6') ${`nested`}`; import 'a16';",
    ].join('\n');
    expect(imports(src, 'x.ts')).toEqual([
      'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', './b.css', 'a8', 'a9', 'a10', 'a11', 'a12', 'a13',
      './file.mjs', './worker.js', 'a14', 'a15', 'a16',
    ]);
  });

  it('reads every <script> block of a .svelte file, and not the markup', () => {
    const src = [
      "<script module>import 'm';</script>",
      "<p>import 'no1'</p>",
      "<!-- <script>import 'no2'</script> -->",
      '<script lang="ts">',
      "  import { x } from 'i';",
      '</script>',
    ].join('\n');
    expect(imports(src, 'X.svelte')).toEqual(['m', 'i']);
  });
});

// Virtual files: path, source, and the specifiers that must be reported (in order).
const GUARDS: Array<{ name: string; file: string; source: string; bad: string[] }> = [
  { name: 'renderer: named import of node:fs', file: 'renderer/src/x.ts', source: "import { readFileSync } from 'node:fs';", bad: ['node:fs'] },
  { name: 'renderer: side-effect import of a bare built-in', file: 'renderer/src/x.ts', source: "import 'fs';", bad: ['fs'] },
  { name: 'renderer: tfjs', file: 'renderer/src/x.ts', source: "import * as tf from '@tensorflow/tfjs';", bad: ['@tensorflow/tfjs'] },
  { name: 'renderer: ws', file: 'renderer/src/x.ts', source: "import { WebSocket } from 'ws';", bad: ['ws'] },
  { name: 'renderer: the engine', file: 'renderer/src/x.ts', source: "import { Trainer } from '../../main/engine/train/trainer.ts';", bad: ['../../main/engine/train/trainer.ts'] },
  { name: 'renderer: type-only import from main/', file: 'renderer/src/x.ts', source: "import type { EngineReply } from '../../main/engine/process/engine-process.ts';", bad: ['../../main/engine/process/engine-process.ts'] },
  { name: 'renderer: svelte/store, d3, dexie, shared/ and itself are fine', file: 'renderer/src/x.ts', source: "import { writable } from 'svelte/store';\nimport * as d3 from 'd3';\nimport Dexie from 'dexie';\nimport type { RunEvent } from '../../shared/events.ts';\nimport './app.css';", bad: [] },
  { name: 'engine: electron, ws, dexie', file: 'main/engine/x.ts', source: "import { app } from 'electron';\nimport { WebSocketServer } from 'ws';\nimport Dexie from 'dexie';", bad: ['electron', 'ws', 'dexie'] },
  { name: 'engine: bare built-ins count as node:*', file: 'main/engine/x.ts', source: "import { Worker } from 'worker_threads';\nimport * as tf from '@tensorflow/tfjs-node';", bad: [] },
  { name: 'engine slice: another slice, and the engine outside the framework', file: 'main/engine/instruments/batchnorm/x.ts', source: "import { y } from '../activations/y.ts';\nimport { Trainer } from '../../train/trainer.ts';", bad: ['../activations/y.ts', '../../train/trainer.ts'] },
  { name: 'engine slice: node:, shared sub-folders and other slices of shared', file: 'main/engine/instruments/batchnorm/x.ts', source: "import 'node:fs';\nimport '../../../../shared/diagnosis/fixes.ts';\nimport '../../../../shared/instruments/activations/types.ts';", bad: ['node:fs', '../../../../shared/diagnosis/fixes.ts', '../../../../shared/instruments/activations/types.ts'] },
  { name: 'engine slice: its own slice, the framework, its shared slice, top-level shared files', file: 'main/engine/instruments/batchnorm/x.ts', source: "import './z.ts';\nimport '../framework/f.ts';\nimport '../../../../shared/instruments/batchnorm/t.ts';\nimport '../../../../shared/instruments/framework/t.ts';\nimport '../../../../shared/events.ts';\nimport * as tf from '@tensorflow/tfjs';", bad: [] },
  { name: 'engine framework: governed by main/engine', file: 'main/engine/instruments/framework/x.ts', source: "import { Trainer } from '../../train/trainer.ts';", bad: [] },
  { name: 'renderer slice: the app state', file: 'renderer/src/instruments/diagnosis/x.ts', source: "import type { AppState } from '../../app-state.svelte.ts';", bad: ['../../app-state.svelte.ts'] },
  { name: 'renderer slice: charts, framework, d3 are fine; dexie is not', file: 'renderer/src/instruments/diagnosis/X.svelte', source: "<script lang=\"ts\">\n  import LineChart from '../../charts/LineChart.svelte';\n  import '../framework/f.ts';\n  import { schemeTableau10 } from 'd3';\n  import Dexie from 'dexie';\n</script>", bad: ['dexie'] },
  { name: 'shared slice: the registry outside the framework', file: 'shared/instruments/activations/x.ts', source: "import { REGISTRY } from '../registry.ts';", bad: ['../registry.ts'] },
  { name: 'shared: a bare module other than zod', file: 'shared/x.ts', source: "import { app } from 'electron';", bad: ['electron'] },
  { name: '.svelte: an import in <script lang="ts">', file: 'renderer/src/views/X.svelte', source: "<script lang=\"ts\">\n  import { join } from 'node:path';\n</script>\n<p>{join('a', 'b')}</p>", bad: ['node:path'] },
  { name: 'multi-line import', file: 'renderer/src/x.ts', source: "import {\n  readFileSync,\n  writeFileSync,\n} from 'node:fs';", bad: ['node:fs'] },
  { name: 'export * from', file: 'renderer/src/x.ts', source: "export * from 'node:fs';", bad: ['node:fs'] },
  { name: 'dynamic import', file: 'renderer/src/x.ts', source: "const fs = await import('node:fs');", bad: ['node:fs'] },
  { name: 'a commented-out import is not an import', file: 'renderer/src/x.ts', source: "// import { readFileSync } from 'node:fs';\n/* import 'ws'; */\nconst url = 'http://example.com';", bad: [] },
  { name: 'the server never imports the CLI', file: 'main/server/x.ts', source: "import { main } from '../cli/index.ts';", bad: ['../cli/index.ts'] },
  { name: 'the CLI may import the server', file: 'main/cli/x.ts', source: "import { serve } from '../server/serve.ts';", bad: [] },
  { name: 'an import squeezed without spaces', file: 'main/engine/instruments/batchnorm/x.ts', source: "import{Trainer}from'../../train/trainer.ts';export*from'../activations/y.ts';", bad: ['../../train/trainer.ts', '../activations/y.ts'] },
  { name: '.svelte: a dynamic import in the markup', file: 'renderer/src/views/X.svelte', source: "<script lang=\"ts\">let a = 1;</script>\n{#await import('node:fs') then fs}<p>{a}</p>{/await}\n<button onclick={() => import('ws')}>x</button>", bad: ['node:fs', 'ws'] },
  { name: 'a dependency located by require.resolve', file: 'renderer/src/x.ts', source: "const p = createRequire(import.meta.url).resolve('electron');", bad: ['electron'] },
  { name: 'engine tool slice: an instrument slice, another tool', file: 'main/engine/tools/lr-find/x.ts', source: "import '../../instruments/activations/statistics.ts';\nimport '../overfit/check.ts';\nimport '../../train/trainer.ts';\nimport '../../instruments/framework/probe.ts';", bad: ['../../instruments/activations/statistics.ts', '../overfit/check.ts'] },
  { name: 'renderer tool slice: the app state', file: 'renderer/src/tools/lr-find/X.svelte', source: "<script lang=\"ts\">\n  import type { AppState } from '../../app-state.svelte.ts';\n  import LineChart from '../../charts/LineChart.svelte';\n</script>", bad: ['../../app-state.svelte.ts'] },
  { name: 'files outside every rule are not checked', file: 'tests/x.ts', source: "import { app } from 'electron';", bad: [] },
];

describe('the layering checker can fail', () => {
  it.each(GUARDS)('$name', ({ file, source, bad }) => {
    const found = violations(file, source, RULES);
    expect(found).toHaveLength(bad.length);
    bad.forEach((spec, k) => expect(found[k]).toContain(`${file} imports ${spec} `));
  });

  it('names the rule and what it allows', () => {
    expect(violations('renderer/src/x.ts', "import 'node:fs';", RULES)).toEqual([
      'renderer/src/x.ts imports node:fs (renderer may import: renderer, shared; bare: svelte, svelte/*, d3, dexie)',
    ]);
  });
});
