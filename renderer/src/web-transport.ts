// The contract over the web mode's WebSocket: request/response by id, events pushed, reconnect with backoff.
import { CHUNK_CHARS, type EventName, type Invoke, type ServerFrame, type Subscribe } from '../../preload/contract.ts';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

const TOKEN_KEY = 'gds.token';
const CLIENT_KEY = 'gds.client';

/**
 * The session token arrives once in the URL fragment (never sent to any server), moves to this tab's sessionStorage
 * (scoped to this origin, port included) and leaves the address bar, so it is neither bookmarked nor shared by accident.
 */
export function takeSessionToken(): string | null {
  const m = /(?:^#|&)token=([0-9a-f]{64})(?:&|$)/.exec(location.hash);
  if (m?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, m[1]);
    history.replaceState(null, '', `${location.pathname}${location.search}`);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

/** This tab's id: the host sends a kernel's outputs only to the tab that runs it, across reconnects and reloads. */
function clientId(): string {
  let id = sessionStorage.getItem(CLIENT_KEY);
  if (!id) sessionStorage.setItem(CLIENT_KEY, (id = crypto.randomUUID().replaceAll('-', '')));
  return id;
}

/** A request as WebSocket frames: one, or numbered pieces when it is larger than the host accepts in one frame. */
function framesOf(msg: string): string[] {
  if (msg.length <= CHUNK_CHARS) return [msg];
  const out: string[] = [];
  for (let at = 0; at < msg.length; at += CHUNK_CHARS) {
    out.push(JSON.stringify({ chunk: { seq: out.length, last: at + CHUNK_CHARS >= msg.length, data: msg.slice(at, at + CHUNK_CHARS) } }));
  }
  return out;
}

export function connectWebTransport(
  onConnection: (connected: boolean) => void,
  onRestarted: () => void = () => undefined,
): { invoke: Invoke; subscribe: Subscribe } {
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  const token = takeSessionToken();
  let nextId = 1;
  let ws: WebSocket | null = null;
  let delay = 250;
  let instance: string | undefined;

  const receive = (data: unknown) => {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(String(data)) as ServerFrame;
    } catch {
      return; // not from our host; nothing to do with it
    }
    if ('hello' in frame) {
      // Same port and token, new process: its kernels are not the ones this tab knew.
      if (instance && frame.hello.instance && frame.hello.instance !== instance) onRestarted();
      instance = frame.hello.instance ?? instance;
    } else if ('event' in frame) listeners.get(frame.event)?.forEach((l) => l(frame.payload));
    else if ('id' in frame) {
      const p = pending.get(frame.id);
      if (!p) return;
      pending.delete(frame.id);
      if (frame.ok) p.resolve(frame.result);
      else p.reject(Object.assign(new Error(frame.error.message), { code: frame.error.code }));
    }
  };

  const open = () => {
    if (!token) return;
    // Credentials ride in Sec-WebSocket-Protocol: only script holding them can send them, unlike a cookie.
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    const sock = new WebSocket(url, ['gds.v1', `gds.token.${token}`, `gds.client.${clientId()}`]);
    ws = sock;
    sock.onopen = () => {
      delay = 250;
      onConnection(true);
      for (const m of queue.splice(0)) sock.send(m);
    };
    sock.onmessage = (ev) => receive(ev.data);
    sock.onclose = () => {
      onConnection(false);
      // Requests not answered are failed, queued or not: their callers retry (autosave replays the document).
      for (const p of pending.values()) p.reject(new Error('lost the connection to the GDS service'));
      pending.clear();
      queue.length = 0;
      // Keep trying: a restarted `gds serve` answers on the same port with the same token.
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 2000);
    };
  };
  open();

  return {
    invoke: (method, params) =>
      new Promise((resolve, reject) => {
        if (!token) {
          reject(new Error('this page has no session token: open the link that `gds serve` printed'));
          return;
        }
        const id = nextId++;
        pending.set(id, { resolve, reject });
        const frames = framesOf(JSON.stringify({ id, method, params }));
        if (ws?.readyState === WebSocket.OPEN) for (const f of frames) ws.send(f);
        else queue.push(...frames);
      }),
    subscribe: (event, listener) => {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}
