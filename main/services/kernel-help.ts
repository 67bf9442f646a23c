// Code help from the kernel: completion (complete_request) and inspection (inspect_request), both silent.
// Neither message runs user code through execute, so the execution count, `_` and `Out` never change.
// A kernel busy with a cell queues shell requests behind it: help answers empty after a short wait instead of
// hanging the editor, and sends no more requests to that kernel until it has answered the one it holds.
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import type { KernelCompletion, KernelInspection } from '../../preload/contract.ts';
import { LATE, silentRequest } from './silent-request.ts';

/** How long help waits for a busy kernel before answering empty (it would answer only after its cell). */
export const HELP_TIMEOUT_MS = 1500;
/**
 * How long it waits for an idle kernel, which starts on the request at once: the first completion after a start
 * loads jedi's view of the modules in use (a second or more on a slow machine), and answering empty then would
 * only make the user ask again.
 */
export const IDLE_HELP_TIMEOUT_MS = 5000;

const timeoutFor = (conn: Kernel.IKernelConnection) => (conn.status === 'idle' ? IDLE_HELP_TIMEOUT_MS : HELP_TIMEOUT_MS);

const EMPTY_INSPECTION: KernelInspection = { found: false, text: '' };
const emptyCompletion = (cursor: number): KernelCompletion => ({ matches: [], cursorStart: cursor, cursorEnd: cursor });

/**
 * Sends one help request, answering `fallback` if the kernel does not reply within the timeout, still owes an earlier
 * reply (see silent-request.ts), is gone, or fails.
 */
async function ask<T, R>(conn: Kernel.IKernelConnection, send: () => Promise<T>, read: (reply: T) => R, fallback: R, timeoutMs: number): Promise<R> {
  if (conn.isDisposed) return fallback;
  try {
    const reply = await silentRequest(conn, send, timeoutMs);
    return reply === LATE ? fallback : read(reply);
  } catch {
    return fallback; // the kernel died or restarted mid-request: help has nothing to say
  }
}

/** Code points in `s` before UTF-16 offset `utf16` (the protocol counts code points since 5.2; JS strings count units). */
export function toCodePoints(s: string, utf16: number): number {
  let n = 0;
  for (let i = 0; i < utf16 && i < s.length; i++) {
    n++;
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < utf16 && i + 1 < s.length) i++;
  }
  return n;
}

/** UTF-16 offset in `s` of code point index `cp`. */
export function toUtf16(s: string, cp: number): number {
  let i = 0;
  for (let n = 0; n < cp && i < s.length; n++) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
  }
  return i;
}

/** ipykernel's per-match details (IPython ≥ 7): `{text, type, signature, start, end}` for each completion. */
interface ExperimentalType { text?: unknown; type?: unknown; signature?: unknown }

function typeDetails(metadata: unknown): Map<string, { type: string | null; signature: string | null }> {
  const out = new Map<string, { type: string | null; signature: string | null }>();
  const list = (metadata as { _jupyter_types_experimental?: unknown } | null)?._jupyter_types_experimental;
  if (!Array.isArray(list)) return out;
  for (const item of list as ExperimentalType[]) {
    if (typeof item?.text !== 'string' || out.has(item.text)) continue;
    const type = typeof item.type === 'string' && item.type !== '<unknown>' ? item.type : null;
    const signature = typeof item.signature === 'string' && item.signature !== '' ? item.signature : null;
    out.set(item.text, { type, signature });
  }
  return out;
}

export async function complete(conn: Kernel.IKernelConnection, code: string, cursor: number, timeoutMs = timeoutFor(conn)): Promise<KernelCompletion> {
  const at = Math.min(cursor, code.length);
  return ask(
    conn,
    () => conn.requestComplete({ code, cursor_pos: toCodePoints(code, at) }),
    (msg: KernelMessage.ICompleteReplyMsg): KernelCompletion => {
      const c = msg.content;
      if (c.status !== 'ok') return emptyCompletion(at);
      const details = typeDetails(c.metadata);
      const matches = [...new Set(c.matches)].map((text) => ({ text, type: details.get(text)?.type ?? null, signature: details.get(text)?.signature ?? null }));
      return { matches, cursorStart: toUtf16(code, c.cursor_start), cursorEnd: toUtf16(code, c.cursor_end) };
    },
    emptyCompletion(at),
    timeoutMs,
  );
}

// eslint-disable-next-line no-control-regex -- ANSI escape sequences start with the ESC control character.
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}

export async function inspect(
  conn: Kernel.IKernelConnection, code: string, cursor: number, detail: 0 | 1, timeoutMs = timeoutFor(conn),
): Promise<KernelInspection> {
  const at = Math.min(cursor, code.length);
  return ask(
    conn,
    () => conn.requestInspect({ code, cursor_pos: toCodePoints(code, at), detail_level: detail }),
    (msg: KernelMessage.IInspectReplyMsg): KernelInspection => {
      const c = msg.content;
      if (c.status !== 'ok' || !c.found) return EMPTY_INSPECTION;
      const plain = c.data['text/plain'];
      const text = typeof plain === 'string' ? stripAnsi(plain) : '';
      return { found: text !== '', text };
    },
    EMPTY_INSPECTION,
    timeoutMs,
  );
}
