// Runs code on Jupyter kernels through @jupyterlab/services and streams outputs to the UI as contract events.
import { constants as osConstants } from 'node:os';
import { z } from 'zod';
import { basename, isAbsolute, join, relative, sep } from 'node:path';
import { KernelManager, KernelSpecAPI, SessionAPI, type Kernel, type KernelMessage, type Session } from '@jupyterlab/services';
import type {
  DataFrameInfo,
  Events,
  ExecuteResult,
  KernelDeath,
  KernelSpecInfo,
  KernelStatus,
  KernelVariableDetail,
  KernelVariables,
  NotebookSession,
  Output,
} from '../../preload/contract.ts';
import { describeVariable, listVariables } from './variable-inspector.ts';
import { silentExpression } from './silent-request.ts';
import { connectionSettings, startJupyterServer, type JupyterServerHandle } from '../../pipeline/jupyter/server-process.ts';
import type { ServerConnection } from '@jupyterlab/services';

export type Emit = <E extends keyof Events>(event: E, payload: Events[E]) => void;

export interface KernelServiceOptions {
  emit: Emit;
  /** Attach to this server (URL with ?token=) instead of starting one. */
  attachUrl?: string;
  python?: string;
  rootDir?: string;
  log?: (line: string) => void;
  /** Our own server, started early by the caller (start-up overlaps it with loading the app); used once. */
  ownServer?: Promise<JupyterServerHandle>;
}

interface LiveKernel {
  conn: Kernel.IKernelConnection;
  pendingInput: KernelMessage.IInputRequestMsg | null;
  currentCell: string | null;
  recoveryTimer: ReturnType<typeof setInterval> | null;
  /** Cells sent to the kernel and not finished, in order: the first is the one running. */
  runs: string[];
  /** Told when the kernel process dies, with what is known about it. */
  deathListeners: Set<(death: Promise<KernelDeath>) => void>;
  /** When the last death was reported (a failed auto-restart that follows is the same death). */
  diedAt: number;
  /** A restart the user asked for is not a death. */
  userRestart: boolean;
}

const RECOVERY_EVERY_MS = 5000;
const RECOVERY_TRIES = 12;
const OUTPUT_TYPES = new Set(['stream', 'display_data', 'execute_result', 'error']);
/** How long a death waits for the server's word on the exit status (it is printed as the server notices the death). */
const EXIT_REASON_WAIT_MS = 400;

export const KERNEL_DIED_MESSAGE = 'the kernel died while running this cell; variables were lost — restart or re-run';

/** Why a kernel process ended, from its exit status (negative: the signal that killed it). */
export function describeExit(code: number): string {
  if (code >= 0) return `exited with code ${code}`;
  const signal = Object.entries(osConstants.signals).find(([, n]) => n === -code)?.[0] ?? `signal ${-code}`;
  // The kernel never sends itself SIGKILL; on Linux the usual sender is the OOM killer.
  if (signal === 'SIGKILL') return 'killed (SIGKILL), probably out of memory';
  if (signal === 'SIGSEGV' || signal === 'SIGBUS' || signal === 'SIGABRT' || signal === 'SIGILL') return `crashed (${signal})`;
  return `killed by ${signal}`;
}

export function deathMessage(reason: string | null): string {
  return reason ? `${KERNEL_DIED_MESSAGE} (${reason})` : KERNEL_DIED_MESSAGE;
}

/** Names, columns and dtypes of DataFrames in globals (at most 50 frames, 300 columns each); slow reprs are never called. */
const FRAMES_EXPRESSION =
  "(lambda p: type('GdsFrames', (), {'_repr_json_': lambda s: p})())(" +
  '[[n, [str(c) for c in list(v.columns)[:300]], [str(t) for t in list(v.dtypes)[:300]]] ' +
  "for n, v in list(globals().items()) if not n.startswith('_') and type(v).__name__ == 'DataFrame' and hasattr(v, 'dtypes')][:50])";

const FramesSchema = z.array(z.tuple([z.string(), z.array(z.string()), z.array(z.string())]));

export class KernelService {
  private server: JupyterServerHandle | null = null;
  private settings: ServerConnection.ISettings | null = null;
  private starting: Promise<ServerConnection.ISettings> | null = null;
  private manager: KernelManager | null = null;
  private readonly kernels = new Map<string, LiveKernel>();
  /** Exit statuses our own server reported, by kernel id, until a death claims them. */
  private readonly exits = new Map<string, { code: number; at: number }>();
  private readonly exitWaiters = new Map<string, () => void>();
  /** Session requests in flight, by session path. */
  private readonly sessionStarts = new Map<string, Promise<{ kernelId: string; kernelName: string; reused: boolean }>>();

  constructor(private readonly opts: KernelServiceOptions) {}

  /** Starts (or attaches to) the Jupyter server on first use, so the app opens without waiting for Python. */
  private async serverSettings(): Promise<ServerConnection.ISettings> {
    if (this.settings) return this.settings;
    this.starting ??= (async () => {
      if (this.opts.attachUrl) {
        const url = new URL(this.opts.attachUrl);
        const token = url.searchParams.get('token') ?? '';
        url.search = '';
        this.settings = connectionSettings(url.toString(), token, { ackFrames: true });
      } else {
        const early = this.opts.ownServer;
        this.opts.ownServer = undefined;
        const server =
          (await early?.catch((e: unknown) => {
            this.opts.log?.(`early start of the jupyter server failed: ${(e as Error).message}`);
            return null;
          })) ?? (await startJupyterServer({ python: this.opts.python, rootDir: this.opts.rootDir, log: this.opts.log }));
        server.onKernelExit((kernelId, code) => this.onKernelExit(kernelId, code));
        this.server = server;
        this.settings = server.settings;
        void server.exited.then(() => this.onServerExit(server));
      }
      this.manager = new KernelManager({ serverSettings: this.settings });
      // `ready` rejects when the manager is disposed before its first poll (a quick attach switch, shutdown).
      this.manager.ready.catch(() => undefined);
      return this.settings;
    })().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private onServerExit(server: JupyterServerHandle): void {
    if (this.server !== server) return;
    this.opts.log?.('jupyter server exited; kernels are dead');
    this.server = null;
    this.settings = null;
    this.manager?.dispose();
    this.manager = null;
    const kernels = [...this.kernels];
    this.kernels.clear();
    for (const [id, k] of kernels) {
      this.reportDeath(id, k, false, 'the Jupyter server stopped');
      k.conn.dispose();
      this.opts.emit('kernel.status', { kernelId: id, status: 'dead' });
    }
  }

  private onKernelExit(kernelId: string, code: number): void {
    this.exits.set(kernelId, { code, at: Date.now() });
    this.exitWaiters.get(kernelId)?.();
  }

  /** The exit status our server reported for this death, waiting briefly for it; null when none comes (an attached server). */
  private async exitCode(kernelId: string, diedAt: number): Promise<number | null> {
    const take = () => {
      const e = this.exits.get(kernelId);
      // The status is printed as the server notices the death, a poll (0.5 s) before or just after we hear of it.
      if (!e || e.at < diedAt - 3000) return null;
      this.exits.delete(kernelId);
      return e.code;
    };
    const now = take();
    if (now !== null || !this.server) return now;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, EXIT_REASON_WAIT_MS);
      this.exitWaiters.set(kernelId, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.exitWaiters.delete(kernelId);
    return take();
  }

  /**
   * Says a kernel died: the run in progress fails with the reason, runs queued behind it end as not run, and the UI
   * hears `kernel.died` (restarted: the server brought up a fresh kernel in its place).
   */
  private reportDeath(kernelId: string, live: LiveKernel, restarted: boolean, knownReason: string | null = null): void {
    const now = Date.now();
    if (now - live.diedAt < 10_000 && !restarted) return; // the 'dead' after failed auto-restarts of a death already told
    live.diedAt = now;
    const cellId = live.runs[0] ?? null;
    live.pendingInput = null;
    const death = (async (): Promise<KernelDeath> => {
      const code = knownReason ? null : await this.exitCode(kernelId, now);
      const reason = knownReason ?? (code === null ? null : describeExit(code));
      const info: KernelDeath = { kernelId, cellId, reason, restarted, message: deathMessage(reason) };
      this.opts.log?.(`kernel ${kernelId} died${reason ? ` (${reason})` : ''}${restarted ? '; the server restarted it' : ''}`);
      this.opts.emit('kernel.died', info);
      return info;
    })();
    for (const listener of live.deathListeners) listener(death);
  }

  /**
   * Switches to a server the user names (URL with ?token=), or back to our own with null. Running kernels are
   * shut down first; the server is checked before the switch so a bad URL or token leaves things as they were.
   */
  async attach(url: string | null): Promise<{ server: 'own' | 'attached'; baseUrl: string | null }> {
    if (url) {
      const u = new URL(url);
      const token = u.searchParams.get('token') ?? '';
      u.search = '';
      const res = await fetch(new URL('api/status', u.toString().endsWith('/') ? u : `${u.toString()}/`), {
        headers: { Authorization: `token ${token}` },
      }).catch((e: Error) => {
        throw new Error(`cannot reach the Jupyter server at ${u.origin}: ${e.message}`);
      });
      if (res.status === 403 || res.status === 401) throw new Error('the Jupyter server refused the token');
      if (!res.ok) throw new Error(`the Jupyter server answered ${res.status}`);
    }
    await Promise.all([...this.kernels.keys()].map((id) => this.shutdown(id)));
    this.manager?.dispose();
    this.manager = null;
    await this.server?.dispose();
    this.server = null;
    this.settings = null;
    this.opts.attachUrl = url ?? undefined;
    const settings = await this.serverSettings();
    // The URL is shown to the user without its token.
    return { server: url ? 'attached' : 'own', baseUrl: settings.baseUrl };
  }

  async specs(): Promise<{ default: string; specs: KernelSpecInfo[] }> {
    const models = await KernelSpecAPI.getSpecs(await this.serverSettings());
    const specs = Object.values(models.kernelspecs)
      .filter((s): s is NonNullable<typeof s> => !!s)
      .map((s) => ({ name: s.name, displayName: s.display_name, language: s.language }));
    return { default: models.default, specs };
  }

  async start(name?: string, cwd?: string): Promise<string> {
    await this.serverSettings();
    const manager = this.manager;
    if (!manager) throw new Error('the Jupyter server is not running');
    return this.adopt(await manager.startNew({ name: name ?? 'python3', ...(cwd ? { path: cwd } : {}) } as Kernel.IKernelOptions));
  }

  /** The session key of a notebook: its path under the server's root (so the kernel starts in its folder), else as is. */
  private sessionPath(path: string): string {
    const root = this.opts.rootDir;
    if (!root || path.startsWith('untitled:') || !isAbsolute(path)) return path;
    const rel = relative(root, path);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : path;
  }

  private pathOfSession(key: string): string {
    const root = this.opts.rootDir;
    return root && !key.startsWith('untitled:') && !isAbsolute(key) ? join(root, ...key.split('/')) : key;
  }

  /**
   * The kernel of the notebook at `path`, through the Jupyter sessions API as JupyterLab does: the running session's
   * kernel when there is one (a reloaded tab gets its variables back), else a new session with kernelspec `name`.
   */
  session(path: string, name?: string): Promise<{ kernelId: string; kernelName: string; reused: boolean }> {
    // Two asks for one notebook at once (start-up's prestart and the page opening it) must not start two kernels.
    const key = this.sessionPath(path);
    let pending = this.sessionStarts.get(key);
    if (!pending) {
      pending = this.joinOrStartSession(path, name).finally(() => this.sessionStarts.delete(key));
      this.sessionStarts.set(key, pending);
    }
    return pending;
  }

  /**
   * Brings up what the first run would otherwise wait for: the server, and the kernel of the notebook the app opens
   * with. Failures are only logged; the page's own request reports them to the user.
   */
  prestart(notebookPath: string | null, kernelName: string | undefined): void {
    void (async () => {
      await this.serverSettings();
      if (notebookPath) await this.session(notebookPath, kernelName);
    })().catch((e: unknown) => this.opts.log?.(`prestart: ${(e as Error).message}`));
  }

  private async joinOrStartSession(path: string, name?: string): Promise<{ kernelId: string; kernelName: string; reused: boolean }> {
    const settings = await this.serverSettings();
    const key = this.sessionPath(path);
    const running = (await SessionAPI.listRunning(settings)).find((s) => s.path === key && s.kernel);
    if (running?.kernel) {
      const kernelId = this.kernels.has(running.kernel.id) ? running.kernel.id : await this.connectTo(running.kernel);
      return { kernelId, kernelName: running.kernel.name, reused: true };
    }
    const model = await SessionAPI.startSession(
      { path: key, type: 'notebook', name: basename(key), kernel: { name: name ?? 'python3' } } as Session.ISessionOptions,
      settings,
    );
    if (!model.kernel) throw new Error(`the Jupyter server started no kernel for ${path}`);
    return { kernelId: await this.connectTo(model.kernel), kernelName: model.kernel.name, reused: false };
  }

  async sessions(): Promise<NotebookSession[]> {
    const settings = await this.serverSettings();
    return (await SessionAPI.listRunning(settings)).flatMap((s) =>
      s.kernel
        ? [
            {
              path: this.pathOfSession(s.path),
              kernelId: s.kernel.id,
              kernelName: s.kernel.name,
              status: mapStatus((s.kernel.execution_state ?? 'unknown') as Kernel.Status),
              executionCount: null,
            },
          ]
        : [],
    );
  }

  /** Another kernelspec for a notebook's session: the server starts the new kernel and ends the old one. */
  async changeKernel(path: string, name: string): Promise<{ kernelId: string; kernelName: string }> {
    const settings = await this.serverSettings();
    const key = this.sessionPath(path);
    const running = (await SessionAPI.listRunning(settings)).find((s) => s.path === key);
    if (!running) {
      const started = await this.session(path, name);
      return { kernelId: started.kernelId, kernelName: started.kernelName };
    }
    const old = running.kernel?.id;
    const model = await SessionAPI.updateSession({ id: running.id, kernel: { name } }, settings);
    if (!model.kernel) throw new Error(`the Jupyter server started no ${name} kernel for ${path}`);
    if (old && old !== model.kernel.id) this.forget(old);
    return { kernelId: await this.connectTo(model.kernel), kernelName: model.kernel.name };
  }

  private async connectTo(model: Kernel.IModel): Promise<string> {
    if (!this.manager) throw new Error('the Jupyter server is not running');
    return this.adopt(this.manager.connectTo({ model }));
  }

  private forget(kernelId: string): void {
    const k = this.kernels.get(kernelId);
    this.kernels.delete(kernelId);
    if (k) this.stopRecovery(k);
    k?.conn.dispose();
  }

  /** Starts following a kernel connection: status, deaths, recovery after restarts. */
  private async adopt(conn: Kernel.IKernelConnection): Promise<string> {
    // kernel_info_reply means the channels are up; requests sent earlier can lose their iopub messages.
    let infoTimer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([conn.info, new Promise((r) => (infoTimer = setTimeout(r, 30_000)))]).finally(() => clearTimeout(infoTimer));
    const live: LiveKernel = {
      conn,
      pendingInput: null,
      currentCell: null,
      recoveryTimer: null,
      runs: [],
      deathListeners: new Set(),
      diedAt: 0,
      userRestart: false,
    };
    this.kernels.set(conn.id, live);
    conn.statusChanged.connect((_, status) => {
      // 'autorestarting': the server found the kernel process dead and started a new one; 'dead': it could not.
      if (this.kernels.get(conn.id) === live && !live.userRestart && (status === 'autorestarting' || status === 'dead')) {
        this.reportDeath(conn.id, live, status === 'autorestarting');
      }
      if (status === 'restarting' || status === 'autorestarting') this.watchRecovery(live);
      else if (status === 'idle' || status === 'busy' || status === 'dead') this.stopRecovery(live);
      this.opts.emit('kernel.status', { kernelId: conn.id, status: mapStatus(status) });
    });
    conn.connectionStatusChanged.connect((_, cs) => {
      if (cs !== 'connected') this.opts.emit('kernel.status', { kernelId: conn.id, status: cs === 'connecting' ? 'disconnected' : 'dead' });
      if (cs === 'connecting') this.watchRecovery(live);
      else if (cs === 'disconnected') this.stopRecovery(live);
    });
    for (const listener of this.connectionListeners) listener(conn.id, conn);
    this.opts.emit('kernel.status', { kernelId: conn.id, status: 'idle' });
    return conn.id;
  }

  /**
   * jupyter_server 1.x sometimes wires a websocket that reconnects right after an auto-restart (new ports) to
   * channels that never deliver: the socket is open but no message ever comes back. A fresh socket, opened once
   * the restarted kernel is up, works at once, so after a restart or a lost connection we reconnect until the
   * kernel reports idle or busy again.
   */
  private watchRecovery(live: LiveKernel): void {
    if (live.recoveryTimer) return;
    let tries = 0;
    live.recoveryTimer = setInterval(() => {
      if (live.conn.isDisposed || ++tries > RECOVERY_TRIES) return this.stopRecovery(live);
      live.conn.reconnect().catch(() => undefined);
    }, RECOVERY_EVERY_MS);
    live.recoveryTimer.unref?.();
  }

  private stopRecovery(live: LiveKernel): void {
    if (live.recoveryTimer) clearInterval(live.recoveryTimer);
    live.recoveryTimer = null;
  }

  /** Told of every kernel connection this service opens (comms hook in here). */
  private readonly connectionListeners = new Set<(kernelId: string, conn: Kernel.IKernelConnection) => void>();

  onConnection(listener: (kernelId: string, conn: Kernel.IKernelConnection) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  /** The live connection to a kernel, for silent requests (completion, inspection, comms). */
  connection(kernelId: string): Kernel.IKernelConnection {
    return this.get(kernelId).conn;
  }

  private get(kernelId: string): LiveKernel {
    const k = this.kernels.get(kernelId);
    if (!k || k.conn.isDisposed) throw new Error(`kernel ${kernelId} is not running; restart it`);
    return k;
  }

  async execute(kernelId: string, cellId: string, code: string): Promise<ExecuteResult> {
    const k = this.get(kernelId);
    const started = Date.now();
    const future = k.conn.requestExecute({ code, stop_on_error: true, allow_stdin: true, store_history: true });
    k.runs.push(cellId);
    const finished = () => {
      const at = k.runs.indexOf(cellId);
      if (at >= 0) k.runs.splice(at, 1);
    };
    // A death ends the run at once, whether or not the connection cancels the request (it does, a moment later).
    const seen: { death: Promise<KernelDeath> | null } = { death: null };
    let onDeath: () => void = () => undefined;
    const died = new Promise<null>((resolve) => (onDeath = () => resolve(null)));
    const deathListener = (death: Promise<KernelDeath>) => {
      seen.death = death;
      onDeath();
    };
    k.deathListeners.add(deathListener);
    future.onIOPub = (msg) => {
      k.currentCell = cellId;
      const type = msg.header.msg_type;
      if (OUTPUT_TYPES.has(type)) {
        this.opts.emit('kernel.output', { kernelId, cellId, output: { output_type: type, ...(msg.content as object) } as Output });
      } else if (type === 'clear_output') {
        this.opts.emit('kernel.clearOutput', { kernelId, cellId, wait: Boolean((msg.content as { wait?: boolean }).wait) });
      } else if (type === 'update_display_data') {
        const content = msg.content as KernelMessage.IUpdateDisplayDataMsg['content'];
        const displayId = String((content.transient as { display_id?: string } | undefined)?.display_id ?? '');
        if (displayId)
          this.opts.emit('kernel.updateDisplay', {
            kernelId,
            displayId,
            output: { output_type: 'display_data', data: content.data, metadata: content.metadata, transient: content.transient } as Output,
          });
      }
    };
    future.onStdin = (msg) => {
      if (msg.header.msg_type !== 'input_request') return;
      const req = msg as KernelMessage.IInputRequestMsg;
      k.pendingInput = req;
      this.opts.emit('kernel.input', { kernelId, cellId, prompt: req.content.prompt, password: req.content.password });
    };
    // `done` needs both the reply and iopub's idle; if idle never comes (a lost message), the reply alone finishes the run.
    let replied: KernelMessage.IExecuteReplyMsg | null = null;
    let onLate: (() => void) | null = null;
    const late = new Promise<null>((resolve) => (onLate = () => resolve(null)));
    future.onReply = (msg) => {
      replied = msg;
      finished(); // the kernel is done with this cell: a death from now on is another cell's
      setTimeout(() => onLate?.(), 3000);
    };
    const deathResult = async (death: Promise<KernelDeath>): Promise<ExecuteResult> => {
      const d = await death;
      const durationMs = Date.now() - started;
      // The cell that was running failed; cells queued behind it in the kernel never ran.
      return d.cellId === cellId
        ? { status: 'error', executionCount: null, durationMs, error: d.message, kernelDied: true }
        : { status: 'aborted', executionCount: null, durationMs, error: 'not run: the kernel died before this cell ran', kernelDied: true };
    };
    try {
      // The future is cancelled when the kernel dies (told just before) or restarts mid-run; what arrived was already sent.
      const reply = (await Promise.race([future.done, late, died]).catch(() => null)) ?? replied;
      if (!reply && seen.death) return await deathResult(seen.death);
      if (!reply) return { status: 'aborted', executionCount: null, durationMs: Date.now() - started };
      const content = reply.content as KernelMessage.IExecuteReply;
      const status = content.status === 'ok' ? 'ok' : content.status === 'error' ? 'error' : 'aborted';
      return { status, executionCount: 'execution_count' in content ? content.execution_count : null, durationMs: Date.now() - started };
    } finally {
      k.pendingInput = null;
      k.deathListeners.delete(deathListener);
      finished();
    }
  }

  /**
   * The DataFrames in the kernel's namespace with their columns and dtypes, through a silent request: no cell runs,
   * the execution count and `_`/`Out` stay as they are. The answer travels as application/json of a throwaway object.
   */
  async frames(kernelId: string): Promise<DataFrameInfo[]> {
    // No deadline: the chips' column list is refreshed in the background, so it waits for a busy kernel's cell.
    const result = await silentExpression(this.get(kernelId).conn, FRAMES_EXPRESSION, null);
    const parsed = FramesSchema.safeParse(result?.data?.['application/json']);
    return parsed.success ? parsed.data.map(([name, columns, dtypes]) => ({ name, columns, dtypes })) : [];
  }

  /** The variable inspector's list of user variables (see variable-inspector.ts: silent, no repr, bounded wait). */
  variables(kernelId: string): Promise<KernelVariables> {
    return listVariables(this.get(kernelId).conn);
  }

  /** One DataFrame's or Series' columns, nulls and first rows, for the inspector. */
  variable(kernelId: string, name: string): Promise<KernelVariableDetail> {
    return describeVariable(this.get(kernelId).conn, name);
  }

  inputReply(kernelId: string, value: string): void {
    const k = this.get(kernelId);
    if (!k.pendingInput) throw new Error('the kernel is not waiting for input');
    k.conn.sendInputReply({ status: 'ok', value }, k.pendingInput.header);
    k.pendingInput = null;
  }

  async interrupt(kernelId: string): Promise<void> {
    await this.get(kernelId).conn.interrupt();
  }

  async restart(kernelId: string): Promise<void> {
    const k = this.get(kernelId);
    k.userRestart = true;
    try {
      await k.conn.restart();
    } finally {
      k.userRestart = false;
    }
  }

  /** Shuts a kernel down, with the notebook session that holds it (a session without its kernel is of no use). */
  async shutdown(kernelId: string): Promise<void> {
    const k = this.kernels.get(kernelId);
    if (!k) return;
    this.kernels.delete(kernelId);
    const settings = this.settings;
    const session = settings ? (await SessionAPI.listRunning(settings).catch(() => [])).find((s) => s.kernel?.id === kernelId) : undefined;
    if (session && settings) await SessionAPI.shutdownSession(session.id, settings).catch(() => undefined);
    else await k.conn.shutdown().catch(() => undefined);
    k.conn.dispose();
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.kernels.keys()].map((id) => this.shutdown(id)));
    this.manager?.dispose();
    await this.server?.dispose();
    const unused = await this.opts.ownServer?.catch(() => null);
    await unused?.dispose();
  }
}

function mapStatus(s: Kernel.Status): KernelStatus {
  switch (s) {
    case 'idle':
    case 'busy':
    case 'starting':
    case 'restarting':
    case 'dead':
      return s;
    case 'autorestarting':
      return 'restarting';
    default:
      return 'unknown';
  }
}
