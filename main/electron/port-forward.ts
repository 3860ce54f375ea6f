// The preload hands the engine's MessagePort to the page with window.postMessage, addressed to
// our own origin only: if the window ever showed another page, the port would not reach it.
import { APP_ORIGIN } from './app-protocol-origin.ts';

export function forwardPort(win: Pick<Window, 'postMessage'>, ports: readonly MessagePort[]) {
  win.postMessage({ type: 'trainscope:port' }, APP_ORIGIN, [...ports]);
}
