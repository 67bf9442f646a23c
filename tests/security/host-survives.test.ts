// No request, cookie, path or WebSocket frame may end the web host: each is refused and the host keeps serving.
// The fuzz part throws a minute (GDS_FUZZ_MS) of malformed input at it over loopback, then checks it still answers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect as rawConnect } from 'node:net';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { serve, type Served } from '../helpers/serve.ts';
import { connect } from '../helpers/ws-client.ts';

let app: Served;
before(async () => {
  app = await serve();
});
after(async () => {
  await app.stop();
});

function get(path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: app.port, path, headers }, (res) => (res.resume(), resolve(res.statusCode ?? 0)));
    req.on('error', () => resolve(-1));
    req.end();
  });
}

/** Bytes straight onto a TCP connection: what no HTTP client library would send. */
function raw(bytes: Buffer | string): Promise<void> {
  return new Promise((resolve) => {
    const s = rawConnect(app.port, '127.0.0.1', () => s.end(bytes));
    s.on('error', () => resolve());
    s.on('close', () => resolve());
    s.resume();
    setTimeout(() => (s.destroy(), resolve()), 1000);
  });
}

async function alive(): Promise<void> {
  assert.equal(app.child.exitCode, null, `the host exited: ${app.stderr().slice(-2000)}`);
  // Handled where it arrives, not caught by the last-resort process guard.
  assert.doesNotMatch(app.stderr(), /uncaught|unhandled rejection/);
  assert.equal(await get('/'), 200);
  const c = await connect(app);
  assert.equal((await c.call<{ protocol: number }>('app.info')).protocol, 1);
  c.close();
}

test('malformed percent-escapes in cookies and paths are answered, not thrown', async () => {
  assert.equal(await get('/', { Cookie: 'gds_token=%E0%A4%A' }), 200);
  assert.equal(await get('/%zz'), 400);
  assert.equal(await get('/%E0%A4%A'), 400);
  assert.equal(await get('/assets/%00.js'), 400);
  await alive();
});

test('an invalid UTF-8 text frame closes that connection only', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${app.port}/ws`, ['gds.v1', `gds.token.${app.token}`], { headers: { Origin: app.origin } });
  await new Promise((r) => ws.once('open', r));
  const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
  ws.on('error', () => undefined);
  // ws checks UTF-8 on receipt; send the bytes as a text frame through the socket's low-level sender.
  (ws as unknown as { _sender: { send(d: Buffer, o: object): void } })._sender.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), {
    binary: false,
    fin: true,
    mask: true,
    compress: false,
    opcode: 1,
    readOnly: false,
  });
  assert.equal(await closed, 1007);
  await alive();
});

test('a frame over the size limit closes that connection; a big request in pieces is answered', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${app.port}/ws`, ['gds.v1', `gds.token.${app.token}`], { headers: { Origin: app.origin } });
  await new Promise((r) => ws.once('open', r));
  ws.on('error', () => undefined);
  const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
  ws.send('x'.repeat(5 * 1024 * 1024));
  assert.equal(await closed, 1009);
  // 6 MB of params in 512 KB pieces, as the page sends a notebook with big outputs.
  const c = await connect(app);
  const msg = JSON.stringify({ id: 7, method: 'app.info', params: { padding: 'y'.repeat(6 * 1024 * 1024) } });
  const answer = new Promise<{ id: number; ok: boolean }>((r) =>
    c.ws.on('message', (d) => {
      const f = JSON.parse(d.toString());
      if (f.id === 7) r(f);
    }),
  );
  const step = 512 * 1024;
  for (let at = 0, seq = 0; at < msg.length; at += step, seq++)
    c.ws.send(JSON.stringify({ chunk: { seq, last: at + step >= msg.length, data: msg.slice(at, at + step) } }));
  assert.equal((await answer).ok, true);
  c.close();
  await alive();
});

test(`fuzz: ${Number(process.env.GDS_FUZZ_MS ?? 60_000) / 1000} s of malformed HTTP, cookies, paths and frames`, { timeout: 180_000 }, async () => {
  const until = Date.now() + Number(process.env.GDS_FUZZ_MS ?? 60_000);
  const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
  const junk = () => randomBytes(1 + Math.floor(Math.random() * 64));
  const escapes = ['%', '%z', '%zz', '%E0%A4%A', '%C0%AF', '%00', '%FF%FE', '..%2f..%2f', '%%%', '\u00ff'];
  let sent = 0;
  while (Date.now() < until) {
    const kind = sent % 6;
    sent++;
    if (kind === 0) await get(`/${pick(escapes)}${pick(escapes)}`, { Cookie: `gds_token=${pick(escapes)}; x=${pick(escapes)}` });
    else if (kind === 1) await raw(Buffer.concat([Buffer.from(pick(['GET ', 'POST ', 'G\0T ', '\r\n', ''])), junk(), Buffer.from('\r\n\r\n')]));
    else if (kind === 2)
      await raw(
        `GET /${pick(escapes)} HTTP/1.1\r\nHost: 127.0.0.1:${app.port}\r\nCookie: ${junk().toString('latin1')}\r\nContent-Length: -1\r\n\r\n`,
      );
    else if (kind === 3)
      await raw(
        `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${app.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ` +
          `${junk().toString('base64')}\r\nSec-WebSocket-Version: 13\r\nOrigin: ${app.origin}\r\n` +
          `Sec-WebSocket-Protocol: gds.v1, gds.token.${app.token}, gds.client.${pick(escapes)}\r\n\r\n`,
      );
    else {
      const c = await connect(app).catch(() => null);
      if (!c) continue;
      c.ws.on('error', () => undefined);
      const frames: Array<string | Buffer> = [
        junk(),
        '{"chunk":{"seq":5,"last":true,"data":"x"}}',
        '{"chunk":{"seq":0,"last":false,"data":"{\\"id\\":1"}}',
        '[]',
        'null',
        JSON.stringify({ id: -1, method: 'app.info' }),
        JSON.stringify({ id: 1, method: 'notebook.open', params: { path: `/${pick(escapes)}` } }),
        JSON.stringify({ id: 2, method: 'notebook.save', params: { path: '\0', doc: {}, expectedMtimeMs: null } }),
        JSON.stringify({ id: 3, method: pick(['__proto__', 'constructor', 'toString', 'kernel.execute']), params: { kernelId: pick(escapes) } }),
      ];
      for (let i = 0; i < 5; i++) c.ws.send(pick(frames), { binary: Math.random() < 0.2 });
      await new Promise((r) => setTimeout(r, 20));
      c.ws.terminate();
    }
  }
  assert.ok(sent > 100, `only ${sent} attempts`);
  await alive();
});
