// Silent requests to a kernel: code help and the variable inspector with a deadline, KernelService.frames() without.
// A kernel busy with a cell queues shell requests behind it, so a caller that must answer now gives up after a short
// wait; the kernel is then marked as owing an answer, and no other deadline-bound request is sent to it until it has
// replied, so requests never pile up in its queue. The mark is one per kernel connection: a completion the kernel
// still owes also holds back the inspector's next listing, and the other way round.
import type { Kernel, KernelMessage } from '@jupyterlab/services';

/** What a deadline-bound request answers when the kernel did not reply in time, or still owes an earlier reply. */
export const LATE = 'late';
export type Late = typeof LATE;

/** Kernels that still owe a reply to a request that timed out: settles (and is removed) when that reply arrives. */
const owing = new WeakMap<Kernel.IKernelConnection, Promise<void>>();

/**
 * Sends the request `send` builds and answers its reply, or LATE when `timeoutMs` passes first or the kernel still owes
 * an earlier reply (then nothing is sent). `timeoutMs: null` waits for the reply however long it takes and neither
 * reads nor sets the mark. A reply that fails (the kernel died or restarted mid-request) rejects, as `send`'s would.
 */
export async function silentRequest<T>(conn: Kernel.IKernelConnection, send: () => Promise<T>, timeoutMs: number | null): Promise<T | Late> {
  if (timeoutMs === null) return send();
  if (owing.has(conn)) return LATE;
  const reply = send();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<Late>((resolve) => (timer = setTimeout(() => resolve(LATE), timeoutMs)));
  try {
    const first = await Promise.race([reply, late]);
    if (first === LATE) {
      // The reply that comes later only clears the mark: its content is of no use any more.
      const settled: Promise<void> = reply.then(() => undefined, () => undefined).finally(() => {
        if (owing.get(conn) === settled) owing.delete(conn);
      });
      owing.set(conn, settled);
    }
    return first;
  } finally {
    clearTimeout(timer);
  }
}

/** One user expression's result as the kernel reports it (`data` holds its display formats when `status` is 'ok'). */
export interface ExpressionResult { status?: string; data?: Record<string, unknown>; ename?: string; evalue?: string }

/**
 * Evaluates `expr` through an execute_request with `silent: true`, empty code and one `user_expressions` entry: no
 * execution count, no `_` or `Out`, no pre/post-run hooks. Answers the expression's result (undefined when the reply
 * carries none), or LATE as silentRequest does.
 */
export function silentExpression(conn: Kernel.IKernelConnection, expr: string, timeoutMs: number): Promise<ExpressionResult | undefined | Late>;
export function silentExpression(conn: Kernel.IKernelConnection, expr: string, timeoutMs: null): Promise<ExpressionResult | undefined>;
export async function silentExpression(conn: Kernel.IKernelConnection, expr: string, timeoutMs: number | null): Promise<ExpressionResult | undefined | Late> {
  const reply = await silentRequest(conn, () => {
    const future = conn.requestExecute({
      code: '', silent: true, store_history: false, allow_stdin: false, stop_on_error: false, user_expressions: { gds: expr },
    });
    return future.done as Promise<KernelMessage.IExecuteReplyMsg>;
  }, timeoutMs);
  if (reply === LATE) return LATE;
  return (reply.content as { user_expressions?: Record<string, ExpressionResult> }).user_expressions?.gds;
}
