// Web mode: the same main-side services behind a token-protected HTTP + WebSocket server on 127.0.0.1.
import type { JupyterServerHandle } from '../../pipeline/jupyter/server-process.ts';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { PROTOCOL_VERSION, type ServerFrame } from '../../preload/contract.ts';
import { createRouter } from '../host/router.ts';
import { createContainer, type Container } from '../services/container.ts';
import { ClientSessions } from './client-sessions.ts';
import { FrameReader, MAX_FRAME_BYTES } from './frames.ts';
import { checkHandshake, checkOrigin, contentSecurityPolicy, handshakeCredentials, WS_PROTOCOL } from './security.ts';
import { hasBuiltRenderer, rendererDir, serveStatic } from './static-files.ts';
import { newToken, readWebSession, writeWebSession } from './web-session.ts';

export interface WebHostOptions {
  /** A fixed port; without one the port of the last run is tried first, then any free one. */
  port?: number;
  openPath: string | null;
  /** Folders the client may open, save and list notebooks in (default: the open file's folder, else the cwd). */
  workspace?: string[];
  dataDir: string;
  version: string;
  attachUrl?: string;
  python?: string;
  /** Our Jupyter server, already starting. */
  jupyter?: Promise<JupyterServerHandle>;
  log?: (line: string) => void;
}

export interface WebHost {
  url: string;
  port: number;
  token: string;
  container: Container;
  close(): Promise<void>;
}

const HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};

function listen(server: Server, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' && port !== 0 ? resolve(false) : reject(e));
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => (server.off('error', onError), resolve(true)));
  });
}

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const root = rendererDir();
  if (!hasBuiltRenderer(root)) throw new Error(`the renderer is not built (${root} is missing): run npm run build`);
  const log = opts.log ?? (() => undefined);
  const saved = readWebSession(opts.dataDir, log);
  const token = saved?.token ?? newToken();
  const instance = newToken().slice(0, 16);
  const sessions = new ClientSessions();
  const caller = new AsyncLocalStorage<string>();
  const container = createContainer({
    mode: 'web', version: opts.version, dataDir: opts.dataDir, openPath: opts.openPath, workspace: opts.workspace,
    attachUrl: opts.attachUrl, python: opts.python, jupyter: opts.jupyter, log,
    emit: (event, payload) => {
      const frame = JSON.stringify({ event, payload } satisfies ServerFrame);
      for (const ws of sessions.audience(payload, caller.getStore())) if (ws.readyState === ws.OPEN) ws.send(frame);
    },
  });
  const dispatch = createRouter(container.handlers, log);
  let port = 0;

  // Static files carry no secret (the token reaches the page in the URL fragment, which is never sent): Host and
  // Origin checks only, so that DNS rebinding and foreign pages still get nothing.
  const server: Server = createServer((req, res) => {
    const headers = { ...HEADERS, 'Content-Security-Policy': contentSecurityPolicy(port) };
    const verdict = checkOrigin(req, port);
    if (!verdict.ok) {
      log(`403 ${req.method} ${req.url?.split('?')[0]?.slice(0, 200)}: ${verdict.reason}`);
      res.writeHead(403, { ...headers, 'Content-Type': 'text/plain' }).end(`Forbidden: ${verdict.reason}\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end();
      return;
    }
    const served = serveStatic(root, (req.url ?? '/').split('?')[0] ?? '/', res, headers);
    if (served === 'bad-path') res.writeHead(400, { ...headers, 'Content-Type': 'text/plain' }).end('Bad request\n');
    else if (served === 'not-found') res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('Not found\n');
  });
  // Malformed HTTP must cost one connection, never the process.
  server.on('clientError', (err, socket) => {
    log(`bad request: ${err.message.slice(0, 200)}`);
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });
  wss.on('error', (e) => log(`websocket server: ${e.message}`));
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    socket.on('error', () => socket.destroy());
    const verdict = checkHandshake(req, port, token);
    if (!verdict.ok) {
      log(`403 websocket: ${verdict.reason}`);
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    // A tab without an id of its own (a script, a test) is a session of one connection.
    const clientId = handshakeCredentials(req).clientId ?? `conn-${newToken().slice(0, 16)}`;
    wss.handleUpgrade(req, socket, head, (ws) => {
      sessions.add(clientId, ws);
      const reader = new FrameReader();
      const send = (frame: ServerFrame) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(frame));
      // An invalid UTF-8 frame or one over the size limit closes this connection; the host keeps serving.
      ws.on('error', (e) => log(`websocket ${clientId.slice(0, 12)}: ${e.message.slice(0, 200)}`));
      ws.on('close', () => sessions.remove(clientId, ws));
      send({ hello: { protocol: PROTOCOL_VERSION, instance } });
      ws.on('message', (data, isBinary) => {
        const read = reader.push(isBinary ? null : data.toString());
        if (read.kind === 'partial') return;
        if (read.kind === 'bad') {
          log(`dropped a frame: ${read.reason}`);
          ws.close(1008, read.reason.slice(0, 100));
          return;
        }
        const { id, method, params } = read.frame;
        sessions.noteCall(clientId, params);
        caller.run(clientId, () => dispatch(method, params)).then(
          (result) => (sessions.noteResult(clientId, result), send({ id, ok: true, result })),
          (e: unknown) => send({ id, ok: false, error: { message: (e as Error).message, code: (e as { code?: string }).code ?? 'failed' } }),
        );
      });
    });
  });

  const preferred = opts.port ?? saved?.port;
  if (preferred === undefined || !(await listen(server, preferred))) {
    if (opts.port !== undefined) throw new Error(`port ${opts.port} is in use`);
    await listen(server, 0);
  }
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
  await writeWebSession(opts.dataDir, { port, token }).catch((e: unknown) => log(`could not keep the web session: ${(e as Error).message}`));
  return {
    // The fragment never leaves the browser: not in requests, logs or Referer headers.
    url: `http://127.0.0.1:${port}/#token=${token}`,
    port,
    token,
    container,
    async close() {
      sessions.terminateAll();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections?.();
      await container.dispose();
    },
  };
}
