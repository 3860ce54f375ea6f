// `npm run bench`: prints progress on stderr and, as its last line on stdout, one JSON object
// with every figure and its target. Speed targets live here, never in timed unit tests.
import { benchEngine } from './engine.ts';

const TARGETS = { overhead_default: '<= 1.05', overhead_every_step: '<= 1.15', cnn_wasm_vs_cpu: '>= 20' };

const engine = await benchEngine();
const result = { ...engine, targets: TARGETS };
process.stdout.write(`${JSON.stringify(result)}\n`);
