// Serves the built renderer on app://gds/ (a standard, secure origin, so workers and CSP behave as on the web).
import { net, protocol } from 'electron';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { contentSecurityPolicy, safeDecode } from '../web/security.ts';

export function registerSchemeBeforeReady(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function serveRenderer(root: string): void {
  protocol.handle('app', async (req) => {
    const decoded = safeDecode(new URL(req.url).pathname);
    if (decoded === null || decoded.includes('\0')) return new Response('Bad request', { status: 400 });
    const rel = normalize(decoded).replace(/^([/\\])+/, '') || 'index.html';
    const file = join(root, rel);
    if (!file.startsWith(root + sep)) return new Response('Forbidden', { status: 403 });
    const res = await net.fetch(pathToFileURL(file).toString()).catch(() => new Response('Not found', { status: 404 }));
    const headers = new Headers(res.headers);
    headers.set('Content-Security-Policy', contentSecurityPolicy(null));
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(res.body, { status: res.status, headers });
  });
}
