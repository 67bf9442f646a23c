import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KernelManager } from '@jupyterlab/services';
import { startJupyterServer } from '../../pipeline/jupyter/server-process.ts';
import { findPython } from '../../pipeline/jupyter/python-env.ts';

test('finds a Python with jupyter_server and ipykernel', async () => {
  const py = await findPython();
  assert.ok(py.packages.jupyter_server);
  assert.ok(py.packages.ipykernel);
});

test('starts a private jupyter server and runs code on a real kernel', async () => {
  const server = await startJupyterServer();
  try {
    const noToken = await fetch(`${server.baseUrl}api/kernels`);
    assert.equal(noToken.status, 403, 'the server must refuse requests without the token');
    const km = new KernelManager({ serverSettings: server.settings });
    const kernel = await km.startNew({ name: 'python3' });
    const future = kernel.requestExecute({ code: 'print(6 * 7)' });
    let text = '';
    future.onIOPub = (msg) => {
      if (msg.header.msg_type === 'stream') text += (msg.content as { text: string }).text;
    };
    const reply = await future.done;
    assert.equal(reply.content.status, 'ok');
    assert.equal(text.trim(), '42');
    await kernel.shutdown();
    km.dispose();
  } finally {
    await server.dispose();
  }
  assert.notEqual(await server.exited, undefined);
});

test('a hard-killed owner takes its jupyter server and kernels down with it', async () => {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const mod = fileURLToPath(new URL('../../pipeline/jupyter/server-process.ts', import.meta.url));
  const script = `
    const { startJupyterServer } = await import(${JSON.stringify(mod)});
    const s = await startJupyterServer();
    const r = await fetch(s.baseUrl + 'api/kernels', { method: 'POST', headers: { Authorization: 'token ' + s.settings.token }, body: '{"name":"python3"}' });
    const k = await r.json();
    const list = await (await fetch(s.baseUrl + 'api/kernels', { headers: { Authorization: 'token ' + s.settings.token } })).json();
    console.log(JSON.stringify({ server: s.pid, kernel: k.id, n: list.length }));
    setInterval(() => undefined, 1000);`;
  const owner = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    owner.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
    });
    owner.once('exit', (c) => reject(new Error(`owner exited with ${c}`)));
  });
  const { server, kernel } = JSON.parse(line) as { server: number; kernel: string };
  const { execSync } = await import('node:child_process');
  const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
  const kernelPids = () => execSync(`pgrep -f "[k]ernel-${kernel}" || true`).toString().trim().split('\n').filter(Boolean).map(Number);
  assert.ok(alive(server));
  assert.ok(kernelPids().length > 0, 'the kernel runs');
  owner.kill('SIGKILL');
  const deadline = Date.now() + 15_000;
  while ((alive(server) || kernelPids().length > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  assert.ok(!alive(server), 'the jupyter server outlived its owner');
  assert.deepEqual(kernelPids(), [], 'kernels outlived their owner');
});

test('our kernels write their history in batches; a stock server leaves ipykernel as it is', async () => {
  const cacheSize = async (stock: boolean) => {
    const server = await startJupyterServer({ stock });
    try {
      const km = new KernelManager({ serverSettings: server.settings });
      const kernel = await km.startNew({ name: 'python3' });
      const reply = await kernel.requestExecute({
        code: '', silent: true, store_history: false,
        user_expressions: { size: 'get_ipython().history_manager.db_cache_size' },
      }).done;
      await kernel.shutdown();
      km.dispose();
      const value = (reply.content as { user_expressions?: Record<string, { data?: Record<string, string> }> }).user_expressions?.size?.data?.['text/plain'];
      return Number(value);
    } finally {
      await server.dispose();
    }
  };
  assert.equal(await cacheSize(false), 20);
  assert.equal(await cacheSize(true), 0);
});

test('a client for servers we did not tune answers every frame with a pong, so their delayed ACKs leave at once', async () => {
  const { WebSocketServer } = await import('ws');
  const { connectionSettings } = await import('../../pipeline/jupyter/server-process.ts');
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  const { port } = wss.address() as { port: number };
  let pongs = 0;
  wss.on('connection', (ws) => {
    ws.on('pong', () => pongs++);
    for (let i = 0; i < 3; i++) ws.send(`frame ${i}`);
  });
  const pongsFor = async (ackFrames: boolean) => {
    pongs = 0;
    const Socket = connectionSettings(`http://127.0.0.1:${port}/`, 't', { ackFrames }).WebSocket as unknown as typeof import('ws').WebSocket;
    const ws = new Socket(`ws://127.0.0.1:${port}/`);
    let got = 0;
    await new Promise<void>((resolve) => ws.on('message', () => ++got === 3 && resolve()));
    await new Promise((r) => setTimeout(r, 200));
    ws.close();
    return pongs;
  };
  try {
    assert.equal(await pongsFor(true), 3);
    assert.equal(await pongsFor(false), 0);
  } finally {
    wss.close();
  }
});
