// Starts and owns a private `jupyter server` on 127.0.0.1 with a fresh random token.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerConnection } from '@jupyterlab/services';
import WebSocket from 'ws';
import { isAlive } from '../jobs/state-file.ts';
import { findPython } from './python-env.ts';

export interface JupyterServerHandle {
  baseUrl: string;
  /** Connection settings for @jupyterlab/services; hold the token, so never send them to a renderer. */
  settings: ServerConnection.ISettings;
  pid: number | undefined;
  /** Resolves when the server process exits (for detecting a crashed server). */
  exited: Promise<number | null>;
  /** Hears each kernel process of this server that ends (see `StartOptions.onKernelExit`), from now on. */
  onKernelExit(listener: (kernelId: string, code: number) => void): void;
  dispose(): Promise<void>;
}

export interface StartOptions {
  python?: string;
  /** Folder the server (and so the kernels) start in. */
  rootDir?: string;
  timeoutMs?: number;
  log?: (line: string) => void;
  /** A kernel process of this server ended: its id and exit status (negative: killed by that signal). */
  onKernelExit?: (kernelId: string, code: number) => void;
  /** Start a plain `jupyter server` without GDS's tuning (a baseline for benchmarks, a stand-in for attached servers). */
  stock?: boolean;
}

/** Runtime folders are named so, in the tmp dir; each holds the pid of the process that owns it. */
export const RUNTIME_DIR_PREFIX = 'gds-jupyter-';
export const OWNER_FILE = 'gds-owner.pid';


/**
 * Removes `gds-jupyter-*` folders in `dir` whose owner process is dead (left by a crash or a SIGKILL). A folder
 * without an owner file (being created right now, or made by an older version) or with a live owner is kept.
 */
export function cleanStaleRuntimeDirs(dir = tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(RUNTIME_DIR_PREFIX)) continue;
    const path = join(dir, name);
    try {
      const st = statSync(path);
      if (!st.isDirectory() || (process.getuid && st.uid !== process.getuid())) continue;
      const pid = Number(readFileSync(join(path, OWNER_FILE), 'utf8').trim());
      if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid)) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // no owner file, or it went away meanwhile: not ours to judge
    }
  }
  return removed;
}

/**
 * Python run before `python -m jupyter_server`: a thread that stops the server (and so its kernels) when our process
 * dies without cleaning up (SIGKILL, crash), otherwise every hard kill of the app leaves a server and kernels behind;
 * SIGTERM makes the server shut its kernels down as on Ctrl-C.
 */
const WATCH_PARENT = [
  'import os, runpy, signal, sys, threading, time',
  'parent = os.getppid()',
  'def watch():',
  '    while os.getppid() == parent:',
  '        time.sleep(1)',
  '    os.kill(os.getpid(), signal.SIGTERM)',
  'threading.Thread(target=watch, daemon=True).start()',
];

/**
 * Each kernel process that ends is reported on stderr with its exit status, so a death can be told apart
 * (`os._exit(1)`: code 1; the OOM killer: SIGKILL, -9). The server itself never says why a kernel died.
 */
const REPORT_KERNEL_EXITS = [
  'def _gds_report_exits():',
  '    try:',
  '        from jupyter_client.provisioning.local_provisioner import LocalProvisioner',
  '    except Exception:',
  '        return',
  '    original = LocalProvisioner.poll',
  '    async def poll(self):',
  '        proc = self.process',
  '        ret = await original(self)',
  "        if proc is not None and ret is not None and not getattr(proc, '_gds_reported', False):",
  '            proc._gds_reported = True',
  '            try:',
  "                sys.stderr.write('GDS-KERNEL-EXIT %s %d\\n' % (self.kernel_id, ret))",
  '                sys.stderr.flush()',
  '            except Exception:',
  '                pass  # our end of the pipe is gone (the app died): the server must still shut down',
  '        return ret',
  '    LocalProvisioner.poll = poll',
  '_gds_report_exits()',
];

/**
 * Tornado turns Nagle's algorithm back on after every HTTP response, the WebSocket upgrade included: a kernel reply
 * written as several small frames then waits for the client's delayed ACK (40 ms on Linux) before its second frame
 * leaves. That stall was 38 of the 44 ms of a `pass` round trip. Every WebSocket gets TCP_NODELAY once it is open
 * (what tornado's own `set_nodelay` documentation advises).
 */
const WEBSOCKET_NODELAY = [
  'def _gds_nodelay():',
  '    from tornado.websocket import WebSocketProtocol13',
  '    original = WebSocketProtocol13._receive_frame_loop',
  '    async def loop(self):',
  '        try:',
  '            self.stream.set_nodelay(True)',
  '        except Exception:',
  '            pass  # the stream closed meanwhile: the loop below ends at once',
  '        return await original(self)',
  '    WebSocketProtocol13._receive_frame_loop = loop',
  '_gds_nodelay()',
];

/**
 * IPython writes each cell to its history database from a second thread right after it runs (`db_cache_size` 0),
 * which costs an ipykernel 1.3 ms of a 5 ms `pass` on two cores (GIL and disk). Our kernels write history in batches
 * of 20 cells and on exit; `%history` and `In` see every cell as before.
 */
const BATCHED_KERNEL_HISTORY = [
  'def _gds_history_batches():',
  '    try:',
  '        from jupyter_client.provisioning.local_provisioner import LocalProvisioner',
  '    except Exception:',
  '        return',
  '    original = LocalProvisioner.pre_launch',
  '    async def pre_launch(self, **kwargs):',
  "        argv = ' '.join(self.kernel_spec.argv if self.kernel_spec else [])",
  "        if 'ipykernel' in argv:",
  "            kwargs['extra_arguments'] = list(kwargs.get('extra_arguments') or []) + ['--HistoryManager.db_cache_size=20']",
  '        return await original(self, **kwargs)',
  '    LocalProvisioner.pre_launch = pre_launch',
  '_gds_history_batches()',
];

/**
 * jupyter_server 1.x checks its contents manager class against the classic notebook's by importing
 * `notebook.services.contents.manager`, which pulls in distutils and setuptools: a quarter of a second of every start.
 * GDS never configures a notebook-based contents manager, so that import fails at once (the check ignores it).
 */
const SKIP_CLASSIC_NOTEBOOK = ["sys.modules.setdefault('notebook.services.contents.manager', None)"];

const RUN_SERVER = ["sys.argv[0] = 'jupyter-server'", "runpy.run_module('jupyter_server', run_name='__main__', alter_sys=True)"];

function launcher(stock: boolean): string {
  const tuning = stock ? [] : [...REPORT_KERNEL_EXITS, ...WEBSOCKET_NODELAY, ...BATCHED_KERNEL_HISTORY, ...SKIP_CLASSIC_NOTEBOOK];
  return [...WATCH_PARENT, ...tuning, ...RUN_SERVER].join('\n');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A `ws` client that answers every frame it receives with an unsolicited pong (allowed by RFC 6455 §5.5.3, ignored by
 * the server). A server we did not tune writes with Nagle's algorithm on and holds a reply's second frame until our
 * ACK; the kernel delays that ACK by 40 ms unless data leaves with it, and the pong is that data (`pass`: 48 → 8 ms).
 */
class AckingWebSocket extends WebSocket {
  constructor(address: string | URL, protocols?: string | string[]) {
    super(address, protocols);
    this.on('message', () => {
      if (this.readyState === WebSocket.OPEN) this.pong();
    });
  }
}

/**
 * Settings for any Jupyter server URL (own or attached), using Node's fetch and the `ws` WebSocket; `ackFrames` for
 * servers whose WebSockets may keep Nagle's algorithm on (any server but the one `startJupyterServer` tunes).
 */
export function connectionSettings(baseUrl: string, token: string, opts: { ackFrames?: boolean } = {}): ServerConnection.ISettings {
  const socket = opts.ackFrames ? AckingWebSocket : WebSocket;
  const url = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return ServerConnection.makeSettings({
    baseUrl: url,
    wsUrl: url.replace(/^http/, 'ws'),
    token,
    appendToken: true,
    fetch: globalThis.fetch.bind(globalThis),
    Request: globalThis.Request,
    Headers: globalThis.Headers,
    WebSocket: socket as unknown as typeof globalThis.WebSocket,
  });
}

async function waitReady(baseUrl: string, token: string, child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`jupyter server exited with code ${child.exitCode}: ${stderr().slice(-2000)}`);
    try {
      const res = await fetch(`${baseUrl}api/status`, { headers: { Authorization: `token ${token}` } });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`jupyter server did not answer within ${timeoutMs} ms: ${stderr().slice(-2000)}`);
}

export async function startJupyterServer(opts: StartOptions = {}): Promise<JupyterServerHandle> {
  const python = opts.python ?? (await findPython()).path;
  const port = await freePort();
  const token = randomBytes(32).toString('hex');
  const baseUrl = `http://127.0.0.1:${port}/`;
  // A private runtime dir keeps connection files of our kernels away from other users' servers.
  // Folders left by a crashed app are removed first; ours names its owner so a later start can do the same.
  cleanStaleRuntimeDirs();
  const runtimeDir = mkdtempSync(join(tmpdir(), RUNTIME_DIR_PREFIX));
  writeFileSync(join(runtimeDir, OWNER_FILE), `${process.pid}\n`);
  const args = [
    '-c', launcher(opts.stock ?? false),
    '--ServerApp.ip=127.0.0.1',
    `--ServerApp.port=${port}`,
    '--ServerApp.port_retries=0',
    '--ServerApp.open_browser=False',
    `--ServerApp.root_dir=${opts.rootDir ?? process.cwd()}`,
    '--ServerApp.disable_check_xsrf=False',
    // Poll kernels for death every 0.5 s (default 3 s) so a crash is reported within a second or two.
    '--KernelRestarter.time_to_dead=0.5',
  ];
  if (process.getuid?.() === 0) args.push('--allow-root');
  // The token travels in the environment, never on a command line other users can read with `ps`.
  const child = spawn(python, args, {
    env: { ...process.env, JUPYTER_TOKEN: token, JUPYTER_RUNTIME_DIR: runtimeDir, PYTHONUNBUFFERED: '1', PYDEVD_DISABLE_FILE_VALIDATION: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exitListeners = opts.onKernelExit ? [opts.onKernelExit] : [];
  let errText = '';
  const onData = (d: Buffer) => {
    const s = d.toString();
    errText = (errText + s).slice(-8000);
    for (const line of s.split('\n')) if (line.trim()) opts.log?.(line.replaceAll(token, '<token>'));
  };
  let partial = '';
  const onErr = (d: Buffer) => {
    onData(d);
    const lines = (partial + d.toString()).split('\n');
    partial = (lines.pop() ?? '').slice(-4096);
    for (const line of lines) {
      const m = /^GDS-KERNEL-EXIT (\S+) (-?\d+)\s*$/.exec(line);
      if (m) for (const listener of exitListeners) listener(m[1]!, Number(m[2]));
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onErr);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await waitReady(baseUrl, token, child, opts.timeoutMs ?? 60_000, () => errText.replaceAll(token, '<token>'));
  } catch (e) {
    child.kill('SIGKILL');
    rmSync(runtimeDir, { recursive: true, force: true });
    throw e;
  }
  let disposed = false;
  return {
    baseUrl,
    settings: connectionSettings(baseUrl, token),
    pid: child.pid,
    exited,
    onKernelExit: (listener) => exitListeners.push(listener),
    async dispose() {
      if (disposed) return;
      disposed = true;
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(runtimeDir, { recursive: true, force: true });
    },
  };
}
