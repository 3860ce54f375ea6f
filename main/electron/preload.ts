// The preload: the page's only way to the host. It exposes one narrow, typed function and hands
// the page the MessagePort engine events arrive on (contextBridge cannot pass ports).
import { contextBridge, ipcRenderer } from 'electron';
import type { HostCommand } from '../../shared/host.ts';
import { forwardPort } from './port-forward.ts';

ipcRenderer.on('trainscope:port', (event) => forwardPort(window, event.ports));

contextBridge.exposeInMainWorld('trainscope', {
  send: (command: HostCommand) => ipcRenderer.send('trainscope:command', command),
});
