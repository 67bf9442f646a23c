// Web mode must refuse wrong tokens, replayed cookies, foreign Origins and non-loopback Host headers (HTTP and WebSocket).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import WebSocket from 'ws';
import { serve, type Served } from '../helpers/serve.ts';

let app: Served;
before(async () => {
  app = await serve();
});
after(async () => {
  await app.stop();
});

function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: app.port, path, headers }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.on('error', reject);
    req.end();
  });
}

function wsStatus(headers: Record<string, string>, protocols: string[] = [], query = ''): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${app.port}/ws${query}`, protocols, { headers });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => undefined);
  });
}

const creds = (token: string) => ['gds.v1', `gds.token.${token}`];

test('prints one URL line on 127.0.0.1 with a 256-bit token in the fragment (never sent to a server)', () => {
  assert.match(app.url, /^http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64}$/);
});

test('the page is served with a strict CSP and no cookie: nothing a browser would hand to another port', async () => {
  const res = await get('/');
  assert.equal(res.status, 200);
  const csp = String(res.headers['content-security-policy']);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-eval/);
  assert.equal(res.headers['set-cookie'], undefined);
  assert.equal(res.headers['referrer-policy'], 'no-referrer');
});

test('a foreign Origin gets 403', async () => {
  assert.equal((await get('/', { Origin: 'http://evil.example' })).status, 403);
  assert.equal((await get('/', { Origin: `http://127.0.0.1:${app.port + 1}` })).status, 403);
});

test('a non-loopback Host header gets 403 (DNS rebinding)', async () => {
  assert.equal((await get('/', { Host: `evil.example:${app.port}` })).status, 403);
  assert.equal((await get('/', { Host: `192.168.1.5:${app.port}` })).status, 403);
});

test('WebSocket: the token in the handshake opens; a stolen cookie, a query token, foreign or missing Origin, bad Host get 403', async () => {
  const own = `http://127.0.0.1:${app.port}`;
  assert.equal(await wsStatus({ Origin: own }, creds(app.token)), 'open');
  // What a page on another local port could get hold of: a cookie for 127.0.0.1, a token in a URL.
  assert.equal(await wsStatus({ Origin: own, Cookie: `gds_token=${app.token}` }), 403);
  assert.equal(await wsStatus({ Origin: own }, ['gds.v1'], `?token=${app.token}`), 403);
  assert.equal(await wsStatus({ Origin: own }, creds('0'.repeat(64))), 403);
  assert.equal(await wsStatus({ Origin: own }, creds(app.token.slice(0, 63))), 403);
  assert.equal(await wsStatus({ Origin: 'http://evil.example' }, creds(app.token)), 403);
  assert.equal(await wsStatus({ Origin: `http://127.0.0.1:${app.port + 1}` }, creds(app.token)), 403);
  assert.equal(await wsStatus({}, creds(app.token)), 403);
  assert.equal(await wsStatus({ Origin: own, Host: `evil.example:${app.port}` }, creds(app.token)), 403);
});

test('malformed frames and unknown methods are refused, invalid params named', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${app.port}/ws`, creds(app.token), { headers: { Origin: app.origin } });
  const frames: unknown[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ id: 1, method: 'fs.readFile', params: { path: '/etc/passwd' } }));
  ws.send(JSON.stringify({ id: 2, method: 'notebook.open', params: { path: 42 } }));
  ws.send(JSON.stringify({ id: 3, method: 'app.info', params: {} }));
  await new Promise((r) => setTimeout(r, 500));
  const byId = (id: number) =>
    frames.find((f) => (f as { id?: number }).id === id) as { ok: boolean; error?: { code: string; message: string }; result?: { protocol: number } };
  assert.equal(byId(1).ok, false);
  assert.equal(byId(1).error?.code, 'unknown-method');
  assert.equal(byId(2).error?.code, 'bad-params');
  assert.match(byId(2).error?.message ?? '', /path/);
  assert.equal(byId(3).result?.protocol, 1);
  const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
  ws.send('not json');
  assert.equal(await closed, 1008);
});
