import type { Host } from '../../../shared/host.ts';
import { ElectronHost } from './electron-host.ts';
import { WebSocketHost } from './ws-host.ts';

/** The desktop bridge when the preload installed one, the WebSocket otherwise. */
export function createHost(): Host {
  return window.trainscope ? new ElectronHost(window.trainscope) : new WebSocketHost();
}
