// The browser-mode Host: a WebSocket to `trainscope serve`. The session token rides in an
// HttpOnly cookie set when the page was opened with ?token=..., so scripts never see it.
import { reviveEvent } from '../../../shared/events.ts';
import { HOST_PROTOCOL_VERSION, type Host, type HostCommand, type HostMessage } from '../../../shared/host.ts';

export class WebSocketHost implements Host {
  readonly kind = 'browser' as const;
  private ws: WebSocket | null = null;
  private listeners = new Set<(m: HostMessage) => void>();
  private queue: HostCommand[] = [];

  connect(): Promise<Extract<HostMessage, { type: 'welcome' }>> {
    return new Promise((resolve, reject) => {
      const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
      const ws = new WebSocket(url);
      this.ws = ws;
      ws.onopen = () => {
        ws.send(JSON.stringify({ type: 'hello', v: HOST_PROTOCOL_VERSION }));
        for (const c of this.queue.splice(0)) ws.send(JSON.stringify(c));
      };
      ws.onerror = () => reject(new Error('cannot reach the Trainscope engine (is `trainscope serve` still running?)'));
      ws.onclose = () => { for (const l of this.listeners) l({ type: 'engine', engine: { state: 'crashed', runId: null, reason: 'the connection to the engine closed' } }); };
      ws.onmessage = (ev) => {
        const m = JSON.parse(String(ev.data)) as HostMessage;
        // NaN and Infinity travel as strings (stringifyJson): events get their numbers back
        if ('events' in m && Array.isArray(m.events)) m.events.forEach(reviveEvent);
        if (m.type === 'welcome') resolve(m);
        for (const l of this.listeners) l(m);
      };
    });
  }

  send(command: HostCommand) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(command));
    else this.queue.push(command);
  }

  subscribe(listener: (m: HostMessage) => void) {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }
}
