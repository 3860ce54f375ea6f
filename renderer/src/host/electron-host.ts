// The desktop Host: commands go through the preload's one function (`window.trainscope.send`),
// validated in the main process; messages arrive on a MessagePort the preload forwards with
// window.postMessage, since contextBridge cannot pass ports.
import { HOST_PROTOCOL_VERSION, type Host, type HostCommand, type HostMessage } from '../../../shared/host.ts';

export interface PreloadBridge {
  send(command: HostCommand): void;
}

declare global {
  interface Window { trainscope?: PreloadBridge }
}

export class ElectronHost implements Host {
  readonly kind = 'electron' as const;
  private listeners = new Set<(m: HostMessage) => void>();

  constructor(private readonly bridge: PreloadBridge) {
    window.addEventListener('message', (e) => {
      if (e.source !== window || (e.data as { type?: string })?.type !== 'trainscope:port' || !e.ports[0]) return;
      const port = e.ports[0];
      port.onmessage = (ev) => { for (const l of this.listeners) l(ev.data as HostMessage); };
      port.start();
      this.bridge.send({ type: 'hello', v: HOST_PROTOCOL_VERSION });
    });
  }

  connect(): Promise<Extract<HostMessage, { type: 'welcome' }>> {
    return new Promise((resolve) => {
      const off = this.subscribe((m) => { if (m.type === 'welcome') { off(); resolve(m); } });
    });
  }

  send(command: HostCommand) { this.bridge.send(command); }

  subscribe(listener: (m: HostMessage) => void) {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }
}
