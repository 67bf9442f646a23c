// Web mode: the same main-side services behind a token-protected HTTP + WebSocket server on 127.0.0.1.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { ClientFrameSchema, PROTOCOL_VERSION, type ServerFrame } from '../../preload/contract.ts';
import { createRouter, RequestError } from '../host/router.ts';
import { createContainer, type Container } from '../services/container.ts';
import { checkRequest, contentSecurityPolicy, COOKIE } from './security.ts';
import { hasBuiltRenderer, rendererDir, serveStatic } from './static-files.ts';

export interface WebHostOptions {
  port?: number;
  openPath: string | null;
  dataDir: string;
  version: string;
  attachUrl?: string;
  python?: string;
  log?: (line: string) => void;
}

export interface WebHost {
  url: string;
  port: number;
  token: string;
  container: Container;
  close(): Promise<void>;
}

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const root = rendererDir();
  if (!hasBuiltRenderer(root)) throw new Error(`the renderer is not built (${root} is missing): run npm run build`);
  const log = opts.log ?? (() => undefined);
  const token = randomBytes(32).toString('hex'); // 256 bits
  const clients = new Set<WebSocket>();
  const send = (ws: WebSocket, frame: ServerFrame) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(frame));
  const container = createContainer({
    mode: 'web', version: opts.version, dataDir: opts.dataDir, openPath: opts.openPath,
    attachUrl: opts.attachUrl, python: opts.python, log,
    emit: (event, payload) => {
      for (const ws of clients) send(ws, { event, payload });
    },
  });
  const dispatch = createRouter(container.handlers, log);
  let port = 0;

  const server: Server = createServer((req, res) => {
    const verdict = checkRequest(req, port, token, true);
    const headers = {
      'Content-Security-Policy': contentSecurityPolicy(port),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'X-Frame-Options': 'DENY',
    };
    if (!verdict.ok) {
      log(`403 ${req.method} ${req.url?.split('?')[0]}: ${verdict.reason}`);
      res.writeHead(403, { ...headers, 'Content-Type': 'text/plain' }).end(`Forbidden: ${verdict.reason}\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const cookie = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    if (!serveStatic(root, url.pathname, res, { ...headers, 'Set-Cookie': cookie })) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('Not found\n');
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 * 1024 });
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const verdict = checkRequest(req, port, token, true);
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    // Browsers always send Origin on WebSocket handshakes; one without it is not our page.
    if (!verdict.ok || path !== '/ws' || !req.headers.origin) {
      log(`403 websocket: ${verdict.ok ? 'no Origin or bad path' : verdict.reason}`);
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      send(ws, { hello: { protocol: PROTOCOL_VERSION } });
      ws.on('message', (data) => {
        let frame;
        try {
          frame = ClientFrameSchema.parse(JSON.parse(data.toString()));
        } catch {
          log('dropped a malformed frame');
          ws.close(1008, 'malformed frame');
          return;
        }
        const { id } = frame;
        dispatch(frame.method, frame.params).then(
          (result) => send(ws, { id, ok: true, result }),
          (e: unknown) => send(ws, { id, ok: false, error: { message: (e as Error).message, code: e instanceof RequestError ? e.code : 'failed' } }),
        );
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    container,
    async close() {
      for (const ws of clients) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections?.();
      await container.dispose();
    },
  };
}
