// The desktop app's entry: the app:// scheme is registered before the app is ready, then the
// host starts (main/electron/desktop.ts).
import { app } from 'electron';
import { join } from 'node:path';
import { registerAppScheme } from './app-protocol.ts';
import { startDesktop } from './desktop.ts';

const here = import.meta.dirname ?? __dirname;
registerAppScheme();
startDesktop({
  code: here,
  renderer: join(here, '..', 'renderer'),
  // assets/ ships beside the app (the presets and the demo's data paths resolve from there)
  specs: join(app.getAppPath(), 'assets', 'specs'),
  runs: join(app.getPath('userData'), 'runs'),
  data: join(app.getPath('userData'), 'data'),
});
