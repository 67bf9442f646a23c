// Runs one notebook's code cells on a fresh Jupyter kernel ("Run all"), with a per-cell timeout; returns outputs and a verdict.
import type { Kernel, KernelManager, KernelMessage } from '@jupyterlab/services';

export type CellStatus = 'ok' | 'error' | 'timeout' | 'skipped';
export type NotebookStatus = 'ok' | 'error' | 'missing-data' | 'timeout' | 'kernel-failed';

export interface CellRun {
  cellId: number;
  status: CellStatus;
  outputs: unknown[];
}

export interface NotebookRun {
  status: NotebookStatus;
  error: string | null;
  cells: CellRun[];
}

/** Outputs are kept small: the corpus needs what a cell printed, not megabytes of base64 plots. */
const MAX_TEXT = 4000;
const clip = (s: string): string => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…[truncated]` : s);

function slimBundle(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [mime, v] of Object.entries(data)) {
    const text = Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : JSON.stringify(v);
    out[mime] = mime.startsWith('image/') || text.length > 20 * MAX_TEXT ? `<${mime} ${text.length} bytes>` : clip(text);
  }
  return out;
}

/** An error that means the notebook's input data is absent here (Kaggle's ../input), not that its code is wrong. */
export function isMissingData(ename: string, evalue: string): boolean {
  if (!/FileNotFoundError|OSError|IOError/.test(ename)) return false;
  return /No such file|does not exist|not found|input\//i.test(evalue);
}

function toOutput(msg: KernelMessage.IIOPubMessage): unknown | null {
  const c = msg.content as Record<string, unknown>;
  switch (msg.header.msg_type) {
    case 'stream':
      return { output_type: 'stream', name: c.name, text: clip(String(c.text ?? '')) };
    case 'execute_result':
      return { output_type: 'execute_result', execution_count: c.execution_count, data: slimBundle((c.data ?? {}) as Record<string, unknown>), metadata: {} };
    case 'display_data':
      return { output_type: 'display_data', data: slimBundle((c.data ?? {}) as Record<string, unknown>), metadata: {} };
    case 'error':
      return { output_type: 'error', ename: c.ename, evalue: clip(String(c.evalue ?? '')), traceback: ((c.traceback ?? []) as string[]).slice(-20).map(clip) };
    default:
      return null;
  }
}

const delay = (ms: number): Promise<'timeout'> => new Promise((r) => setTimeout(() => r('timeout'), ms).unref());

export async function runNotebook(manager: KernelManager, cells: Array<{ id: number; source: string }>, timeoutMs: number): Promise<NotebookRun> {
  let kernel: Kernel.IKernelConnection;
  try {
    kernel = await manager.startNew({ name: 'python3' });
    // The per-cell clock starts once the kernel answers; a slow start on a busy machine is not the notebook's fault.
    const ready = await Promise.race([kernel.info.then(() => 'ready' as const), delay(120_000)]);
    if (ready === 'timeout') {
      await kernel.shutdown().catch(() => undefined);
      return { status: 'kernel-failed', error: 'the kernel did not answer within 120 s', cells: [] };
    }
  } catch (e) {
    return { status: 'kernel-failed', error: `could not start a kernel: ${(e as Error).message}`, cells: [] };
  }
  const runs: CellRun[] = [];
  let status: NotebookStatus = 'ok';
  let error: string | null = null;
  try {
    for (const cell of cells) {
      if (status !== 'ok') {
        runs.push({ cellId: cell.id, status: 'skipped', outputs: [] });
        continue;
      }
      const outputs: unknown[] = [];
      const future = kernel.requestExecute({ code: cell.source, stop_on_error: true, allow_stdin: false, store_history: true });
      future.onIOPub = (msg) => {
        const out = toOutput(msg);
        if (out) outputs.push(out);
      };
      const reply = await Promise.race([future.done.catch((e: Error) => e), delay(timeoutMs)]);
      if (reply === 'timeout') {
        await kernel.interrupt().catch(() => undefined);
        await Promise.race([future.done.catch(() => undefined), delay(5000)]);
        runs.push({ cellId: cell.id, status: 'timeout', outputs });
        status = 'timeout';
        error = `cell ${runs.length - 1} ran longer than ${Math.round(timeoutMs / 1000)} s`;
        continue;
      }
      if (reply instanceof Error) {
        runs.push({ cellId: cell.id, status: 'error', outputs });
        status = 'kernel-failed';
        error = reply.message;
        continue;
      }
      const content = reply.content as { status: string; ename?: string; evalue?: string };
      if (content.status === 'ok') runs.push({ cellId: cell.id, status: 'ok', outputs });
      else {
        runs.push({ cellId: cell.id, status: 'error', outputs });
        const ename = content.ename ?? 'Error';
        const evalue = content.evalue ?? '';
        status = isMissingData(ename, evalue) ? 'missing-data' : 'error';
        error = `cell ${runs.length - 1}: ${ename}: ${evalue}`.slice(0, 500);
      }
    }
  } finally {
    await kernel.shutdown().catch(() => undefined);
    kernel.dispose();
  }
  return { status, error, cells: runs };
}
