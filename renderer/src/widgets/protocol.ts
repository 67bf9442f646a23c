// The Jupyter widget message protocol, as the kernel speaks it: ipywidgets 6 (protocol 1), 7 (2.0) and 8 (2.1).
// Every message comes from the kernel, that is from user code: each is checked here before the manager uses it.
import { z } from 'zod';
import type { CommMessage } from '../../../preload/contract.ts';

/** 1: ipywidgets 6 (`jupyter-js-widgets`); 2: ipywidgets 7 and 8 (`@jupyter-widgets/*`). */
export type Protocol = 1 | 2;
export type WidgetState = Readonly<Record<string, unknown>>;

/** What a kernel message does to the models, once decoded. */
export type WidgetOp =
  | { op: 'open'; modelId: string; kernelId: string; protocol: Protocol; state: WidgetState }
  | { op: 'update'; modelId: string; kernelId: string; state: WidgetState; echo: boolean; protocol: Protocol | null }
  | { op: 'custom'; modelId: string; content: unknown }
  | { op: 'close'; modelId: string; kernelGone: boolean };

const record = z.record(z.string(), z.unknown());
const BufferPath = z.array(z.union([z.string().max(200), z.number().int().nonnegative()])).min(1).max(32);

export const CommMessageSchema = z.object({
  kernelId: z.string().min(1).max(200),
  kind: z.enum(['open', 'msg', 'close']),
  commId: z.string().min(1).max(200),
  targetName: z.string().max(200).nullable(),
  data: record,
  metadata: record,
  buffers: z.array(z.string()).max(256),
});

const OpenV2 = z.object({ state: record, buffer_paths: z.array(BufferPath).max(256).optional() });
/** v1 names its buffers by top-level key (`buffers`), v2 by path into the state (`buffer_paths`). */
const Update = z.object({
  method: z.enum(['update', 'echo_update']),
  state: record,
  buffer_paths: z.array(BufferPath).max(256).optional(),
  buffers: z.array(z.string().max(200)).max(256).optional(),
});
const Custom = z.object({ method: z.literal('custom'), content: z.unknown() });

/** Keys that would reach an object's prototype if a path or key used them. */
const UNSAFE_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

export function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** A copy of the state without keys that could touch a prototype. */
function cleanState(state: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(state)) if (!UNSAFE_KEYS.has(k)) out[k] = v;
  return out;
}

/** Puts each binary buffer where its path says (a path into nested lists and objects of the state). */
function placeBuffers(state: Record<string, unknown>, paths: ReadonlyArray<ReadonlyArray<string | number>>, buffers: string[]): void {
  paths.forEach((path, i) => {
    const b64 = buffers[i];
    if (b64 === undefined || path.some((p) => typeof p === 'string' && UNSAFE_KEYS.has(p))) return;
    let at: unknown = state;
    for (const key of path.slice(0, -1)) {
      if (typeof at !== 'object' || at === null) return;
      at = (at as Record<string | number, unknown>)[key];
    }
    const last = path.at(-1);
    if (typeof at === 'object' && at !== null && last !== undefined) (at as Record<string | number, unknown>)[last] = base64ToBytes(b64);
  });
}

/** ipywidgets 6's models all live in `jupyter-js-widgets`; 7 and 8 use `@jupyter-widgets/…` (and say so in metadata). */
export function protocolOf(state: Record<string, unknown>, metadata: Record<string, unknown>): Protocol {
  if (typeof metadata.version === 'string') return metadata.version.startsWith('1.') ? 1 : 2;
  return state._model_module === 'jupyter-js-widgets' ? 1 : 2;
}

/** Decodes one `kernel.comm` event; null for anything that is not a well-formed widget message. */
export function decode(raw: unknown): WidgetOp | null {
  const parsed = CommMessageSchema.safeParse(raw);
  if (!parsed.success) return null;
  const m: CommMessage = parsed.data;
  // The main side marks the closes it makes when a kernel goes away (main/services/kernel-comms.ts: KERNEL_GONE).
  if (m.kind === 'close') return { op: 'close', modelId: m.commId, kernelGone: m.data.reason === 'kernel-gone' };
  if (m.kind === 'open') {
    const v2 = OpenV2.safeParse(m.data);
    // v2 wraps the state; v1 sends the state itself (its binary parts follow in an update).
    const state = cleanState(v2.success ? v2.data.state : m.data);
    if (v2.success) placeBuffers(state, v2.data.buffer_paths ?? [], m.buffers);
    if (typeof state._model_name !== 'string') return null;
    return { op: 'open', modelId: m.commId, kernelId: m.kernelId, protocol: protocolOf(state, m.metadata), state };
  }
  const update = Update.safeParse(m.data);
  if (update.success) {
    const state = cleanState(update.data.state);
    const paths = update.data.buffer_paths ?? (update.data.buffers ?? []).map((k) => [k]);
    placeBuffers(state, paths, m.buffers);
    const protocol: Protocol | null = update.data.buffer_paths ? 2 : update.data.buffers ? 1 : null;
    return { op: 'update', modelId: m.commId, kernelId: m.kernelId, state, echo: update.data.method === 'echo_update', protocol };
  }
  const custom = Custom.safeParse(m.data);
  if (custom.success) return { op: 'custom', modelId: m.commId, content: custom.data.content };
  return null; // v1's `display` (the display_data that follows is what shows the view) and anything unknown
}

/** A state change from a view, in the model's protocol; binary values travel as buffers. */
export function encodeUpdate(protocol: Protocol, patch: WidgetState): { data: Record<string, unknown>; buffers: string[] } {
  const state: Record<string, unknown> = {};
  const keys: string[] = [];
  const buffers: string[] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (v instanceof Uint8Array) {
      keys.push(k);
      buffers.push(bytesToBase64(v));
    } else state[k] = v;
  }
  return protocol === 1
    ? { data: { method: 'backbone', sync_data: state, buffer_keys: keys }, buffers }
    : { data: { method: 'update', state, buffer_paths: keys.map((k) => [k]) }, buffers };
}

export const encodeCustom = (content: Record<string, unknown>) => ({ method: 'custom', content });
export const REQUEST_STATE = { method: 'request_state' } as const;

/** `IPY_MODEL_<id>` → id (how a model refers to another: children, layout, style). */
export function refId(v: unknown): string | null {
  return typeof v === 'string' && v.startsWith('IPY_MODEL_') && v.length > 10 && v.length < 210 ? v.slice(10) : null;
}
