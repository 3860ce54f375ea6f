// Run by probe-cwd.test.ts from a temporary folder: probes a native backend as the engine does,
// with a pure-JS stand-in for the binding (tfjs-node cannot be installed on these machines).
import { register } from 'tsx/esm/api';

register();
const { probeNative, resolvePackage } = await import('../../../main/engine/backends/select.ts');
process.stdout.write(JSON.stringify({
  cwd: process.cwd(),
  probe: probeNative('node', '@tensorflow/tfjs'),
  resolved: resolvePackage('@tensorflow/tfjs-backend-wasm'),
}));
