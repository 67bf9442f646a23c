// Checks that decide whether a web-mode request is ours: loopback Host, same Origin, and the session token.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Content-Security-Policy of the app page: no inline script, no eval, no remote anything. */
export function contentSecurityPolicy(port: number | null): string {
  const ws = port ? ` ws://127.0.0.1:${port} ws://localhost:${port}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'", // Monaco sets inline styles
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${ws}`,
    "worker-src 'self' blob:",
    "frame-src blob: data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function tokenEquals(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Subprotocols the page offers on the WebSocket handshake: the app's own, then its credentials. */
export const WS_PROTOCOL = 'gds.v1';
const TOKEN_PREFIX = 'gds.token.';
const CLIENT_PREFIX = 'gds.client.';

/**
 * The token and the tab's id travel in Sec-WebSocket-Protocol, which only script that knows them can set: a cookie
 * would be sent by the browser to any port of 127.0.0.1, so a page elsewhere on the machine could replay it.
 */
export function handshakeCredentials(req: IncomingMessage): { token: string | null; clientId: string | null } {
  const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const token = offered.find((p) => p.startsWith(TOKEN_PREFIX))?.slice(TOKEN_PREFIX.length) ?? null;
  const client = offered.find((p) => p.startsWith(CLIENT_PREFIX))?.slice(CLIENT_PREFIX.length) ?? null;
  return { token, clientId: client && /^[0-9a-zA-Z_-]{8,64}$/.test(client) ? client : null };
}

export type Verdict = { ok: true } | { ok: false; reason: string };

/** The one file that sandboxed output frames load (renderer/src/outputs/frame-size.js, as Vite names it). */
const FRAME_SCRIPT = /^\/assets\/frame-size-[\w-]+\.js$/;

/**
 * Host must name a loopback address on our port (defeats DNS rebinding); a present Origin must be ours, or, for the
 * output frames' size script only, "null": those frames are sandboxed to an opaque origin, and the script is no secret.
 */
export function checkOrigin(req: IncomingMessage, port: number): Verdict {
  const host = req.headers.host ?? '';
  const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  if (!allowedHosts.includes(host)) return { ok: false, reason: `bad Host ${host.slice(0, 100)}` };
  const origin = req.headers.origin;
  if (origin === 'null' && req.method === 'GET' && FRAME_SCRIPT.test((req.url ?? '').split('?')[0] ?? '')) return { ok: true };
  if (origin !== undefined && !allowedHosts.map((h) => `http://${h}`).includes(origin)) return { ok: false, reason: `foreign Origin ${origin.slice(0, 100)}` };
  return { ok: true };
}

/** The WebSocket handshake: our Host and Origin (browsers always send one), the /ws path and the token. */
export function checkHandshake(req: IncomingMessage, port: number, token: string): Verdict {
  const where = checkOrigin(req, port);
  if (!where.ok) return where;
  if (!req.headers.origin) return { ok: false, reason: 'no Origin' };
  if ((req.url ?? '').split('?')[0] !== '/ws') return { ok: false, reason: 'bad path' };
  if (!tokenEquals(handshakeCredentials(req).token, token)) return { ok: false, reason: 'missing or wrong token' };
  return { ok: true };
}

/** decodeURIComponent that answers null for malformed escapes instead of throwing (a throw here once killed the host). */
export function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
