// The desktop Host: the preload exposes `window.trainscope` (a narrow typed bridge); the engine's
// events arrive on a MessagePort the preload forwards, since contextBridge cannot pass ports.
import type { Host, HostCommand, HostMessage } from '../../../shared/host.ts';

export interface PreloadBridge {
  send(command: HostCommand): void;
  onMessage(listener: (m: HostMessage) => void): () => void;
}

declare global {
  interface Window { trainscope?: PreloadBridge }
}

export class ElectronHost implements Host {
  readonly kind = 'electron' as const;
  constructor(private readonly bridge: PreloadBridge) {}

  connect(): Promise<Extract<HostMessage, { type: 'welcome' }>> {
    return new Promise((resolve) => {
      const off = this.bridge.onMessage((m) => { if (m.type === 'welcome') { off(); resolve(m); } });
      this.bridge.send({ type: 'hello', v: 1 });
    });
  }

  send(command: HostCommand) { this.bridge.send(command); }
  subscribe(listener: (m: HostMessage) => void) { return this.bridge.onMessage(listener); }
}
