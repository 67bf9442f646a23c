// How fast a kernel answers `pass` when Node speaks ZeroMQ to it directly (as VS Code does), against the path GDS
// uses (@jupyterlab/services → GDS's Jupyter server → kernel), in the same run, on the same machine.
// zeromq is not a dependency of GDS: npm install --no-save zeromq@6 (its npm package carries prebuilt binaries).
// node --import tsx scripts/experiments/zmq-roundtrip.ts [executions=200]
import { spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KernelManager } from '@jupyterlab/services';
import { startJupyterServer } from '../../pipeline/jupyter/server-process.ts';

const N = Number(process.argv[2] ?? 200);
const WARM = 20;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}
const show = (name: string, xs: number[]) =>
  console.log(`${name}: p50 ${pct(xs, 50).toFixed(2)} ms, p95 ${pct(xs, 95).toFixed(2)} ms (n=${xs.length})`);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Zmq {
  Dealer: new () => { connect(a: string): void; send(f: Array<string | Buffer>): Promise<void>; receive(): Promise<Buffer[]>; close(): void };
  Subscriber: new () => { connect(a: string): void; subscribe(t?: string): void; receive(): Promise<Buffer[]>; close(): void };
}

/** Straight to the kernel: shell (DEALER) and iopub (SUB) sockets, HMAC-signed messages, as jupyter_client does. */
async function overZeroMq(zmq: Zmq): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'gds-zmq-'));
  const key = randomUUID();
  const ports = {
    shell_port: await freePort(),
    iopub_port: await freePort(),
    stdin_port: await freePort(),
    control_port: await freePort(),
    hb_port: await freePort(),
  };
  const file = join(dir, 'kernel.json');
  writeFileSync(file, JSON.stringify({ ...ports, ip: '127.0.0.1', transport: 'tcp', key, signature_scheme: 'hmac-sha256', kernel_name: 'python3' }));
  const kernel = spawn('/usr/bin/python3', ['-m', 'ipykernel_launcher', '-f', file, '--HistoryManager.db_cache_size=20'], { stdio: 'ignore' });
  const shell = new zmq.Dealer();
  const iopub = new zmq.Subscriber();
  shell.connect(`tcp://127.0.0.1:${ports.shell_port}`);
  iopub.connect(`tcp://127.0.0.1:${ports.iopub_port}`);
  iopub.subscribe('');
  const session = randomUUID();
  const sign = (parts: string[]) => {
    const h = createHmac('sha256', key);
    for (const p of parts) h.update(p);
    return h.digest('hex');
  };
  const send = async (msgType: string, content: object) => {
    const msgId = randomUUID();
    const header = JSON.stringify({ msg_id: msgId, session, username: 'gds', date: new Date().toISOString(), msg_type: msgType, version: '5.3' });
    const parts = [header, '{}', '{}', JSON.stringify(content)];
    await shell.send(['<IDS|MSG>', sign(parts), ...parts]);
    return msgId;
  };
  const parentOf = (frames: Buffer[]) => {
    const at = frames.findIndex((f) => f.toString() === '<IDS|MSG>');
    if (at < 0) return { type: '', parent: undefined, state: undefined };
    const header = JSON.parse(frames[at + 2]!.toString()) as { msg_type: string };
    const parent = JSON.parse(frames[at + 3]!.toString()) as { msg_id?: string };
    const content = JSON.parse(frames[at + 5]!.toString()) as { execution_state?: string };
    return { type: header.msg_type, parent: parent.msg_id, state: content.execution_state };
  };
  // One reader per socket (a socket allows one receive at a time), resolving whoever waits for that parent id.
  const idle = new Map<string, () => void>();
  const replies = new Map<string, () => void>();
  let open = true;
  void (async () => {
    while (open) {
      const m = parentOf(await iopub.receive().catch(() => []));
      if (m.type === 'status' && m.state === 'idle' && m.parent) idle.get(m.parent)?.();
    }
  })();
  void (async () => {
    while (open) {
      const m = parentOf(await shell.receive().catch(() => []));
      if (m.parent) replies.get(m.parent)?.();
    }
  })();
  const wait = (map: Map<string, () => void>, id: string) => new Promise<void>((r) => map.set(id, () => (map.delete(id), r())));
  // kernel_info until iopub is connected (the first status messages can be lost while SUB joins).
  for (;;) {
    const id = await send('kernel_info_request', {});
    const idleSeen = wait(idle, id).then(() => true);
    await wait(replies, id);
    if (await Promise.race([idleSeen, new Promise<boolean>((r) => setTimeout(() => r(false), 500))])) break;
  }
  const times: number[] = [];
  for (let i = 0; i < N + WARM; i++) {
    const t = performance.now();
    const id = await send('execute_request', {
      code: 'pass',
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: true,
    });
    await Promise.all([wait(replies, id), wait(idle, id)]);
    if (i >= WARM) times.push(performance.now() - t);
  }
  open = false;
  shell.close();
  iopub.close();
  kernel.kill();
  return times;
}

/** What GDS does: @jupyterlab/services over the kernel WebSocket of the Jupyter server GDS starts. */
async function overGdsServer(): Promise<number[]> {
  const server = await startJupyterServer({ rootDir: mkdtempSync(join(tmpdir(), 'gds-zmq-root-')) });
  const km = new KernelManager({ serverSettings: server.settings });
  const k = await km.startNew({ name: 'python3' });
  await k.info;
  const times: number[] = [];
  for (let i = 0; i < N + WARM; i++) {
    const t = performance.now();
    await k.requestExecute({ code: 'pass' }).done;
    if (i >= WARM) times.push(performance.now() - t);
  }
  await k.shutdown();
  km.dispose();
  await server.dispose();
  return times;
}

const zmq = (await import('zeromq' as string).catch(() => null)) as Zmq | null;
if (!zmq) {
  console.error('zeromq is not installed: npm install --no-save zeromq@6');
  process.exit(2);
}
for (let round = 1; round <= 2; round++) {
  show(`round ${round}, Node over ZeroMQ straight to ipykernel`, await overZeroMq(zmq));
  show(`round ${round}, @jupyterlab/services through GDS's Jupyter server`, await overGdsServer());
}
