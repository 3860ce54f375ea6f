// `npm run bench`: prints progress on stderr and, as its last line on stdout, one JSON object
// with every figure and its target. Speed targets live here, never in timed unit tests.
import { benchEngine, benchEvalOverhead } from './engine.ts';
import { benchBrowser } from './browser.ts';

const TARGETS = {
  overhead_default: '<= 1.05', overhead_every_step: '<= 1.15', cnn_wasm_vs_cpu: '>= 20', eval_overhead: '<= 1.15',
  heatmap_draw_ms: '< 16', live_frame_p95_ms: '< 20', dexie_ingest_100k_ms: '< 1000', run_open_ms: '< 1000',
};

const only = process.argv[2]; // `npm run bench -- engine` or `-- browser` runs one half
const engine = only === 'browser' ? {} : { ...(await benchEngine()), ...(await benchEvalOverhead()) };
if (only !== 'engine') process.stderr.write('renderer benchmarks in Chromium...\n');
const browser = only === 'engine' ? {} : await benchBrowser();
const result = { ...engine, ...browser, targets: TARGETS };
process.stdout.write(`${JSON.stringify(result)}\n`);
