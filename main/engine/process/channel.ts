// The engine process talks to its parent over whichever channel it was started with: Electron's
// utilityProcess (process.parentPort) or Node's child_process.fork (process.send). Neither needs
// electron to be imported.
type Listener = (message: unknown) => void;

interface ParentPort { on(event: 'message', l: (e: { data: unknown }) => void): void; postMessage(m: unknown): void }

export interface ParentChannel {
  send(message: unknown): void;
  onMessage(listener: Listener): void;
  /** resolves when every message sent so far has left this process (at once where the channel cannot tell) */
  drained(): Promise<void>;
}

export function parentChannel(): ParentChannel {
  const port = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (port) {
    return { send: (m) => port.postMessage(m), onMessage: (l) => port.on('message', (e) => l(e.data)), drained: () => Promise.resolve() };
  }
  if (process.send) {
    // a parent that is gone (killed hard) leaves nobody to report to: the engine does not train on as an orphan
    process.once('disconnect', () => process.exit(0));
    // A message larger than the pipe's buffer leaves in pieces, one each time the event loop polls;
    // a training step holds the loop for its whole length, so 10 MB of sample images would take
    // a step per 64 KB, and every event after them (each step's loss) would wait behind them.
    let inFlight = 0;
    let waiters: (() => void)[] = [];
    const sent = () => { if (--inFlight === 0) for (const w of waiters.splice(0)) w(); };
    return {
      send: (m) => { if (process.connected) { inFlight++; process.send!(m, undefined, undefined, sent); } },
      onMessage: (l) => process.on('message', l),
      drained: () => (inFlight === 0 || !process.connected ? Promise.resolve() : new Promise<void>((r) => waiters.push(r))),
    };
  }
  throw new Error('the engine process was started without a channel to its parent');
}
