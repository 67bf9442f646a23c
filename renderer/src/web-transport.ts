// The contract over the web mode's WebSocket: request/response by id, events pushed, reconnect with backoff.
import type { EventName, Invoke, ServerFrame, Subscribe } from '../../preload/contract.ts';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export function connectWebTransport(onConnection: (connected: boolean) => void): { invoke: Invoke; subscribe: Subscribe } {
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  let nextId = 1;
  let ws: WebSocket | null = null;
  let delay = 250;

  const open = () => {
    // The token travels as an HttpOnly cookie set when the page loaded; it is never read by script.
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    const sock = new WebSocket(url);
    ws = sock;
    sock.onopen = () => {
      delay = 250;
      onConnection(true);
      for (const m of queue.splice(0)) sock.send(m);
    };
    sock.onmessage = (ev) => {
      const frame = JSON.parse(String(ev.data)) as ServerFrame;
      if ('event' in frame) listeners.get(frame.event)?.forEach((l) => l(frame.payload));
      else if ('id' in frame) {
        const p = pending.get(frame.id);
        if (!p) return;
        pending.delete(frame.id);
        if (frame.ok) p.resolve(frame.result);
        else p.reject(Object.assign(new Error(frame.error.message), { code: frame.error.code }));
      }
    };
    sock.onclose = () => {
      onConnection(false);
      for (const p of pending.values()) p.reject(new Error('lost the connection to the GDS service'));
      pending.clear();
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 5000);
    };
  };
  open();

  return {
    invoke: (method, params) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        const msg = JSON.stringify({ id, method, params });
        if (ws?.readyState === WebSocket.OPEN) ws.send(msg);
        else queue.push(msg);
      }),
    subscribe: (event, listener) => {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}
