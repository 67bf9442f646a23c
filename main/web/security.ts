// Checks that decide whether a web-mode request is ours: loopback Host, same Origin, and the session token.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const COOKIE = 'gds_token';

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

function cookieToken(req: IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === COOKIE && v) return decodeURIComponent(v);
  }
  return null;
}

export type Verdict = { ok: true } | { ok: false; reason: string };

/** Host must name a loopback address on our port (defeats DNS rebinding); a present Origin must be ours. */
export function checkRequest(req: IncomingMessage, port: number, token: string, requireToken: boolean): Verdict {
  const host = req.headers.host ?? '';
  const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  if (!allowedHosts.includes(host)) return { ok: false, reason: `bad Host ${host}` };
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedHosts.map((h) => `http://${h}`).includes(origin)) return { ok: false, reason: `foreign Origin ${origin}` };
  if (!requireToken) return { ok: true };
  const url = new URL(req.url ?? '/', `http://${host}`);
  if (tokenEquals(url.searchParams.get('token'), token) || tokenEquals(cookieToken(req), token)) return { ok: true };
  return { ok: false, reason: 'missing or wrong token' };
}
