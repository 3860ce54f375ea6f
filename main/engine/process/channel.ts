// The engine process talks to its parent over whichever channel it was started with: Electron's
// utilityProcess (process.parentPort) or Node's child_process.fork (process.send). Neither needs
// electron to be imported.
type Listener = (message: unknown) => void;

interface ParentPort { on(event: 'message', l: (e: { data: unknown }) => void): void; postMessage(m: unknown): void }

export interface ParentChannel { send(message: unknown): void; onMessage(listener: Listener): void }

export function parentChannel(): ParentChannel {
  const port = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (port) {
    return { send: (m) => port.postMessage(m), onMessage: (l) => port.on('message', (e) => l(e.data)) };
  }
  if (process.send) {
    // a parent that is gone (killed hard) leaves nobody to report to: the engine does not train on as an orphan
    process.once('disconnect', () => process.exit(0));
    return { send: (m) => { if (process.connected) process.send!(m); }, onMessage: (l) => process.on('message', l) };
  }
  throw new Error('the engine process was started without a channel to its parent');
}
