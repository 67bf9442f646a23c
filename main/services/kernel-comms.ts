// Carries ipywidgets' comm traffic between kernels and the UI (issue #23): the kernel's `jupyter.widget` comms become
// `kernel.comm` events, the UI's messages go back on the same comm. The widget protocol itself (ipywidgets 6, 7, 8) is
// spoken in the renderer (renderer/src/widgets); this side keeps only what the UI cannot do from afar:
//  - capturing an Output widget's `with out:` outputs, which arrive as iopub messages of the request that is running
//    (only the connection that sent it sees them; a message hook takes them before the cell's output area does);
//  - making Debian's ipywidgets 6 usable (KERNEL_COMPAT below).
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { z } from 'zod';
import type { CommMessage, Output } from '../../preload/contract.ts';
import type { Emit } from './kernel-service.ts';

export const WIDGET_TARGET = 'jupyter.widget';

/** The `reason` of a close that the kernel did not send: the kernel itself went away. */
export const KERNEL_GONE = 'kernel-gone';

/** What a comm carries: JSON, which everything we send is (checked on the way in, or built here). */
type CommData = Parameters<Kernel.IComm['send']>[0];

/** Output widget captures keep the newest outputs and the end of long streams, as the cell output area would show. */
const CAPTURE_MAX_OUTPUTS = 200;
const CAPTURE_MAX_STREAM_CHARS = 200_000;
/** Captured outputs go to the UI at most this often (a loop printing inside `with out:` would flood it otherwise). */
const CAPTURE_PUBLISH_MS = 50;

const commId = z.string().min(1).max(200);
const jsonObject = z.record(z.string(), z.unknown());
const CommOpenContent = z.object({ comm_id: commId, target_name: z.string().max(200), data: jsonObject });
const CommMsgContent = z.object({ comm_id: commId, data: jsonObject });
const Metadata = jsonObject.catch({});
/** A kernel → UI state change, in any protocol version (v1 sends it flat in comm_open, in `state` afterwards). */
const UpdateData = z.object({ method: z.enum(['update', 'echo_update']), state: jsonObject });
const StreamContent = z.object({ name: z.enum(['stdout', 'stderr']), text: z.string() });
const DisplayContent = z.object({ data: jsonObject, metadata: jsonObject.optional() });
const ErrorContent = z.object({ ename: z.string(), evalue: z.string(), traceback: z.array(z.string()) });
const ClearContent = z.object({ wait: z.boolean().optional() });

/** Where an Output widget's captured outputs stand. */
interface OutputCapture {
  commId: string;
  /** Protocol 2 (ipywidgets 7+) keeps `outputs` in the kernel too, so they are synced back; 6 has no such trait. */
  syncToKernel: boolean;
  msgId: string;
  hook: ((msg: KernelMessage.IIOPubMessage) => boolean) | null;
  outputs: Output[];
  clearOnNext: boolean;
  publishTimer: ReturnType<typeof setTimeout> | null;
}

interface KernelEntry {
  kernelId: string;
  conn: Kernel.IKernelConnection;
  comms: Map<string, Kernel.IComm>;
  captures: Map<string, OutputCapture>;
  /** Whether the kernel runs Python (known once it has answered kernel_info): only then is KERNEL_COMPAT sent. */
  python: boolean | null;
  /** The compatibility code must run again in the fresh process a restart brings. */
  needsCompat: boolean;
}

/**
 * Runs silently in each Python kernel we connect to (and again after a restart). It changes nothing until ipywidgets
 * is imported, and then only ipywidgets 6, the one Debian bookworm ships:
 *  - its FloatProgress lacks the `style` trait (IntProgress has it; ipywidgets 7 gave both), and Debian's tqdm 4.64
 *    sets `style.bar_color` on every `tqdm.notebook` bar, so every such loop failed with an AttributeError;
 *  - it prints "Widget Javascript not detected" to stderr on each display until a front-end answers its version comm,
 *    which the kernel cannot hear while the cell that imported ipywidgets is still running. We speak its protocol.
 * A finder on sys.meta_path waits for the import (importing ipywidgets ourselves would cost every kernel a second).
 */
const KERNEL_COMPAT = `
def _gds_widgets_compat():
    import sys

    def patch(ipw):
        try:
            if not str(getattr(ipw, '__version__', '')).startswith('6.'):
                return
            from traitlets import Instance, default
            from ipywidgets.widgets import widget_float, widget_int
            from ipywidgets.widgets.widget import Widget, widget_serialization
            if Widget._version_validated is None:
                Widget._version_validated = True
            base = widget_float.FloatProgress
            if 'style' in base.class_trait_names():
                return

            class FloatProgress(base):
                __doc__ = base.__doc__
                style = Instance(widget_int.ProgressStyle).tag(sync=True, **widget_serialization)

                @default('style')
                def _default_style(self):
                    return widget_int.ProgressStyle()

            FloatProgress.__module__ = base.__module__
            FloatProgress.__qualname__ = base.__qualname__
            for mod in (widget_float, sys.modules.get('ipywidgets.widgets'), ipw):
                if mod is not None and getattr(mod, 'FloatProgress', None) is base:
                    mod.FloatProgress = FloatProgress
        except Exception:
            pass

    if 'ipywidgets' in sys.modules:
        patch(sys.modules['ipywidgets'])
        return
    if any(getattr(f, '_gds_widgets_compat', False) for f in sys.meta_path):
        return
    import importlib.util

    class WidgetsImportFinder:
        _gds_widgets_compat = True

        def find_spec(self, name, path=None, target=None):
            if name != 'ipywidgets':
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(name)
            if spec is None or spec.loader is None or not hasattr(spec.loader, 'exec_module'):
                return spec
            run = spec.loader.exec_module

            def exec_module(module):
                run(module)
                patch(module)

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, WidgetsImportFinder())

_gds_widgets_compat()
del _gds_widgets_compat
`;

/** Sends KERNEL_COMPAT to a Python kernel: silent, so no execution count, no history, no outputs. */
function sendCompat(conn: Kernel.IKernelConnection): void {
  try {
    const future = conn.requestExecute({ code: KERNEL_COMPAT, silent: true, store_history: false, allow_stdin: false, stop_on_error: false });
    future.done.catch(() => undefined); // a restart meanwhile cancels it; it is sent again when the kernel is back
  } catch {
    // the connection was disposed
  }
}

export const toBase64 = (b: ArrayBuffer | ArrayBufferView): string =>
  (ArrayBuffer.isView(b) ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : Buffer.from(b)).toString('base64');

const fromBase64 = (s: string): ArrayBuffer => {
  const b = Buffer.from(s, 'base64');
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
};

/** ipywidgets 6 (protocol 1) opens its comms with the state itself as data and no protocol version in the metadata. */
function isProtocol1(data: Record<string, unknown>, metadata: Record<string, unknown>): boolean {
  return metadata.version === undefined && typeof data.state !== 'object';
}

function openState(data: Record<string, unknown>): Record<string, unknown> {
  return typeof data.state === 'object' && data.state !== null ? (data.state as Record<string, unknown>) : data;
}

export class KernelComms {
  private readonly kernels = new Map<Kernel.IKernelConnection, KernelEntry>();

  constructor(private readonly emit: Emit) {}

  /** Forwards the kernel's widget comms as `kernel.comm` events, for as long as the connection lives. */
  attach(kernelId: string, conn: Kernel.IKernelConnection): void {
    if (this.kernels.has(conn)) return;
    if (!conn.handleComms) return; // another connection to this kernel handles its comms
    const entry: KernelEntry = { kernelId, conn, comms: new Map(), captures: new Map(), python: null, needsCompat: false };
    this.kernels.set(conn, entry);
    conn.registerCommTarget(WIDGET_TARGET, (comm, msg) => this.onOpen(entry, comm, msg));
    // A restart gives the kernel a fresh namespace: its widgets are gone, and so are the connection's comms.
    conn.statusChanged.connect((_, status) => {
      if (status === 'restarting' || status === 'autorestarting' || status === 'dead') {
        this.dropAll(entry);
        entry.needsCompat = true;
      }
    });
    // Sent the moment the fresh kernel is reachable, so it queues ahead of any cell run after the restart.
    conn.connectionStatusChanged.connect((_, cs) => {
      if (cs !== 'connected' || !entry.needsCompat || entry.python === false) return;
      entry.needsCompat = false;
      sendCompat(conn);
    });
    void conn.info.then(
      (info) => {
        entry.python = info.language_info.name === 'python';
        if (entry.python && !conn.isDisposed) sendCompat(conn);
      },
      () => undefined,
    );
    conn.disposed.connect(() => {
      this.dropAll(entry);
      this.kernels.delete(conn);
    });
  }

  /** A message from a widget view to its model in the kernel. */
  send(conn: Kernel.IKernelConnection, commId: string, data: Record<string, unknown>, buffers: string[]): void {
    const comm = this.kernels.get(conn)?.comms.get(commId);
    if (!comm || comm.isDisposed) throw new Error(`widget ${commId} is no longer live in this kernel; run its cell again`);
    comm.send(data as CommData, undefined, buffers.map(fromBase64));
  }

  private onOpen(entry: KernelEntry, comm: Kernel.IComm, msg: KernelMessage.ICommOpenMsg): void {
    const content = CommOpenContent.safeParse(msg.content);
    if (!content.success) {
      comm.close();
      return;
    }
    const { comm_id: id, data } = content.data;
    const metadata = Metadata.parse(msg.metadata);
    entry.comms.set(id, comm);
    comm.onMsg = (m) => this.onMsg(entry, m);
    comm.onClose = () => this.drop(entry, id);
    const v1 = isProtocol1(data, metadata);
    const state = openState(data);
    if (state._model_name === 'OutputModel') {
      const capture: OutputCapture = { commId: id, syncToKernel: !v1, msgId: '', hook: null, outputs: [], clearOnNext: false, publishTimer: null };
      entry.captures.set(id, capture);
      if (typeof state.msg_id === 'string') this.retarget(entry, capture, state.msg_id);
    }
    this.forward(entry, { kind: 'open', commId: id, targetName: WIDGET_TARGET, data, metadata, buffers: (msg.buffers ?? []).map(toBase64) });
  }

  private onMsg(entry: KernelEntry, msg: KernelMessage.ICommMsgMsg): void {
    const content = CommMsgContent.safeParse(msg.content);
    if (!content.success) return;
    const { comm_id: id, data } = content.data;
    const capture = entry.captures.get(id);
    const update = UpdateData.safeParse(data);
    if (capture && update.success && typeof update.data.state.msg_id === 'string') this.retarget(entry, capture, update.data.state.msg_id);
    this.forward(entry, {
      kind: 'msg',
      commId: id,
      targetName: WIDGET_TARGET,
      data,
      metadata: Metadata.parse(msg.metadata),
      buffers: (msg.buffers ?? []).map(toBase64),
    });
  }

  private forward(entry: KernelEntry, m: Omit<CommMessage, 'kernelId'>): void {
    this.emit('kernel.comm', { kernelId: entry.kernelId, ...m });
  }

  /**
   * Forgets a comm and tells the UI: one the kernel closed disappears from view; one lost with its kernel (restart,
   * death, disconnect) is marked so the UI says the widget is no longer live.
   */
  private drop(entry: KernelEntry, id: string, lost = false): void {
    const capture = entry.captures.get(id);
    if (capture) {
      this.retarget(entry, capture, '');
      if (capture.publishTimer) clearTimeout(capture.publishTimer);
      entry.captures.delete(id);
    }
    if (!entry.comms.delete(id)) return;
    this.forward(entry, {
      kind: 'close',
      commId: id,
      targetName: WIDGET_TARGET,
      data: lost ? { reason: KERNEL_GONE } : {},
      metadata: {},
      buffers: [],
    });
  }

  private dropAll(entry: KernelEntry): void {
    for (const id of [...entry.comms.keys()]) this.drop(entry, id, true);
  }

  /** Points an Output widget's capture at the request it now captures (`msg_id`), or stops it (''). */
  private retarget(entry: KernelEntry, capture: OutputCapture, msgId: string): void {
    if (capture.msgId === msgId) return;
    if (capture.hook && capture.msgId) entry.conn.removeMessageHook(capture.msgId, capture.hook);
    capture.msgId = msgId;
    capture.hook = null;
    if (!msgId) return;
    const hook = (msg: KernelMessage.IIOPubMessage): boolean => !this.capture(entry, capture, msg);
    capture.hook = hook;
    // Only a request this connection sent has a future to hook; others (another client's) are not ours to capture.
    try {
      entry.conn.registerMessageHook(msgId, hook);
    } catch {
      capture.hook = null; // that request has just finished: nothing is left to capture
    }
  }

  /** Takes one iopub message into an Output widget; false when it is not an output (it goes on as usual). */
  private capture(entry: KernelEntry, capture: OutputCapture, msg: KernelMessage.IIOPubMessage): boolean {
    const type = msg.header.msg_type;
    let output: Output | null = null;
    if (type === 'clear_output') {
      const wait = ClearContent.safeParse(msg.content);
      if (wait.success && wait.data.wait) capture.clearOnNext = true;
      else capture.outputs = [];
      this.schedulePublish(entry, capture);
      return true;
    } else if (type === 'stream') {
      const c = StreamContent.safeParse(msg.content);
      if (c.success) output = { output_type: 'stream', name: c.data.name, text: c.data.text };
    } else if (type === 'display_data' || type === 'execute_result') {
      const c = DisplayContent.safeParse(msg.content);
      if (c.success) output = { output_type: type, data: c.data.data, metadata: c.data.metadata ?? {} };
    } else if (type === 'error') {
      const c = ErrorContent.safeParse(msg.content);
      if (c.success) output = { output_type: 'error', ...c.data };
    } else {
      return false;
    }
    if (!output) return true; // an output in a shape we do not know is dropped, as the cell's output area would
    if (capture.clearOnNext) {
      capture.outputs = [];
      capture.clearOnNext = false;
    }
    const last = capture.outputs.at(-1);
    if (output.output_type === 'stream' && last?.output_type === 'stream' && last.name === output.name) {
      last.text = `${String(last.text)}${String(output.text)}`.slice(-CAPTURE_MAX_STREAM_CHARS);
    } else {
      capture.outputs.push(output);
      if (capture.outputs.length > CAPTURE_MAX_OUTPUTS) capture.outputs.splice(0, capture.outputs.length - CAPTURE_MAX_OUTPUTS);
    }
    this.schedulePublish(entry, capture);
    return true;
  }

  private schedulePublish(entry: KernelEntry, capture: OutputCapture): void {
    if (capture.publishTimer) return;
    capture.publishTimer = setTimeout(() => {
      capture.publishTimer = null;
      if (!entry.captures.has(capture.commId)) return;
      const outputs = capture.outputs.map((o) => ({ ...o }));
      // To the UI as if the kernel had sent it: the Output model's `outputs` changed.
      this.forward(entry, {
        kind: 'msg',
        commId: capture.commId,
        targetName: WIDGET_TARGET,
        data: { method: 'update', state: { outputs } },
        metadata: {},
        buffers: [],
      });
      const comm = entry.comms.get(capture.commId);
      if (capture.syncToKernel && comm && !comm.isDisposed) comm.send({ method: 'update', state: { outputs }, buffer_paths: [] } as CommData);
    }, CAPTURE_PUBLISH_MS);
  }
}
