// A plain contract client over the web host's WebSocket, as the page speaks it (token in the handshake).
import WebSocket from 'ws';
import type { Served } from './serve.ts';

export interface WsClient {
  ws: WebSocket;
  events: Array<{ event: string; payload: unknown }>;
  call<T = unknown>(method: string, params?: unknown): Promise<T>;
  close(): void;
}

export async function connect(app: Pick<Served, 'port' | 'token' | 'origin'>, clientId?: string): Promise<WsClient> {
  const protocols = ['gds.v1', `gds.token.${app.token}`, ...(clientId ? [`gds.client.${clientId}`] : [])];
  const ws = new WebSocket(`ws://127.0.0.1:${app.port}/ws`, protocols, { headers: { Origin: app.origin } });
  const events: WsClient['events'] = [];
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  ws.on('message', (d) => {
    const f = JSON.parse(d.toString()) as { id?: number; ok?: boolean; result?: unknown; error?: { message: string }; event?: string; payload?: unknown };
    if (f.event) events.push({ event: f.event, payload: f.payload });
    const p = f.id === undefined ? undefined : pending.get(f.id);
    if (p && f.id !== undefined) {
      pending.delete(f.id);
      if (f.ok) p.resolve(f.result);
      else p.reject(new Error(f.error?.message ?? 'failed'));
    }
  });
  ws.on('close', () => pending.forEach((p) => p.reject(new Error('closed'))));
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  let id = 0;
  return {
    ws,
    events,
    call: <T,>(method: string, params: unknown = {}) =>
      new Promise<T>((resolve, reject) => {
        const i = ++id;
        pending.set(i, { resolve: resolve as (v: unknown) => void, reject });
        ws.send(JSON.stringify({ id: i, method, params }));
      }),
    close: () => ws.close(),
  };
}
