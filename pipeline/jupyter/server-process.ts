// Starts and owns a private `jupyter server` on 127.0.0.1 with a fresh random token.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerConnection } from '@jupyterlab/services';
import WebSocket from 'ws';
import { findPython } from './python-env.ts';

export interface JupyterServerHandle {
  baseUrl: string;
  /** Connection settings for @jupyterlab/services; hold the token, so never send them to a renderer. */
  settings: ServerConnection.ISettings;
  pid: number | undefined;
  /** Resolves when the server process exits (for detecting a crashed server). */
  exited: Promise<number | null>;
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
}

/** Runtime folders are named so, in the tmp dir; each holds the pid of the process that owns it. */
export const RUNTIME_DIR_PREFIX = 'gds-jupyter-';
export const OWNER_FILE = 'gds-owner.pid';

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

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
      if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || pidAlive(pid)) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // no owner file, or it went away meanwhile: not ours to judge
    }
  }
  return removed;
}

/**
 * `python -m jupyter_server`, plus a thread that stops the server (and so its kernels) when our process dies
 * without cleaning up (SIGKILL, crash): otherwise every hard kill of the app leaves a server and kernels behind.
 * SIGTERM makes the server shut its kernels down as on Ctrl-C.
 */
const PARENT_WATCHING_LAUNCHER = [
  'import os, runpy, signal, sys, threading, time',
  'parent = os.getppid()',
  'def watch():',
  '    while os.getppid() == parent:',
  '        time.sleep(1)',
  '    os.kill(os.getpid(), signal.SIGTERM)',
  'threading.Thread(target=watch, daemon=True).start()',
  // Each kernel process that ends is reported on stderr with its exit status, so a death can be told apart
  // (`os._exit(1)`: code 1; the OOM killer: SIGKILL, -9). The server itself never says why a kernel died.
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
  "sys.argv[0] = 'jupyter-server'",
  "runpy.run_module('jupyter_server', run_name='__main__', alter_sys=True)",
].join('\n');

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

/** Settings for any Jupyter server URL (own or attached), using Node's fetch and the `ws` WebSocket. */
export function connectionSettings(baseUrl: string, token: string): ServerConnection.ISettings {
  const url = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return ServerConnection.makeSettings({
    baseUrl: url,
    wsUrl: url.replace(/^http/, 'ws'),
    token,
    appendToken: true,
    fetch: globalThis.fetch.bind(globalThis),
    Request: globalThis.Request,
    Headers: globalThis.Headers,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
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
    await new Promise((r) => setTimeout(r, 150));
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
    '-c', PARENT_WATCHING_LAUNCHER,
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
      if (m) opts.onKernelExit?.(m[1]!, Number(m[2]));
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
