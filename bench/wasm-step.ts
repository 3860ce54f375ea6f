// One measurement for bench/wasm-speed.ts, in its own process (the thread pool and the stock
// kernels are fixed when a process starts wasm): `tsx bench/wasm-step.ts mlp|cnn` prints the
// instrumented step's ms as JSON. The environment picks the build: TRAINSCOPE_STOCK_WASM=1 is
// tfjs' wasm as shipped, TRAINSCOPE_WASM_THREADS the thread count.
import { selectBackend } from '../main/engine/backends/select.ts';
import { cnnSpec, customLoopMsPerStep, defaultEvery, mlpSpec } from './engine.ts';

const which = process.argv[2];
if (which !== 'mlp' && which !== 'cnn') throw new Error('usage: wasm-step.ts mlp|cnn');
const info = await selectBackend('wasm');
const ms = which === 'mlp' ? await customLoopMsPerStep(mlpSpec(defaultEvery()), 'wasm') : await customLoopMsPerStep(cnnSpec(), 'wasm');
process.stdout.write(`${JSON.stringify({ ms, threads: info.wasm?.threadCount ?? 1 })}\n`);
