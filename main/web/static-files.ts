// Serves the built renderer from dist/renderer with safe paths, correct types and the app's CSP.
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { safeDecode } from './security.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ttf': 'font/ttf', '.woff': 'font/woff', '.woff2': 'font/woff2', '.wasm': 'application/wasm', '.ico': 'image/x-icon',
};

export function rendererDir(): string {
  return process.env.GDS_RENDERER_DIR ?? resolve(new URL('../../dist/renderer', import.meta.url).pathname);
}

/**
 * index.html names the build's assets by content hash: it is never cached, they never change (a reload finds the
 * 4 MB editor chunk, and Chromium its compiled code, in the cache). Anything else may change between builds.
 */
export function cacheControl(root: string, file: string): string {
  if (file === join(root, 'index.html')) return 'no-store';
  return file.startsWith(join(root, 'assets') + sep) && HASHED.test(file) ? 'private, max-age=31536000, immutable' : 'private, max-age=3600';
}

/** Vite's output names: `name-<8 base64url characters>.ext`. */
const HASHED = /-[A-Za-z0-9_-]{8}\.[a-z0-9]+$/;

/** Serves one file of `root`; answers what happened so the caller can say 404 or 400 (a malformed escape). */
export function serveStatic(root: string, urlPath: string, res: ServerResponse, headers: Record<string, string>): 'served' | 'not-found' | 'bad-path' {
  const decoded = safeDecode(urlPath);
  if (decoded === null || decoded.includes('\0')) return 'bad-path';
  const rel = normalize(decoded).replace(/^([/\\])+/, '');
  const file = resolve(root, rel || 'index.html');
  if (file !== root && !file.startsWith(root + sep)) return 'not-found';
  if (!existsSync(file) || !statSync(file).isFile()) return 'not-found';
  res.writeHead(200, {
    ...headers,
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Cache-Control': cacheControl(root, file),
  });
  // A file removed between the stat and the read must end this response, not the process.
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
  return 'served';
}

export function hasBuiltRenderer(root = rendererDir()): boolean {
  return existsSync(join(root, 'index.html'));
}
