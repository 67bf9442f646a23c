// The ipywidgets models of this tab, by model id (the comm id), fed by `kernel.comm` events. Views read a model with
// useWidgetModel and change it with setWidgetState / sendWidgetCustom, which send the change back to the kernel.
// Our own small manager rather than @jupyter-widgets/html-manager: that one speaks only protocol 2 (ipywidgets 7/8)
// and Debian ships ipywidgets 6, and its views would run their HTML in the app's own document.
import { useSyncExternalStore } from 'react';
import { host, onServiceRestart } from '../host.ts';
import { decode, encodeCustom, encodeUpdate, protocolOf, REQUEST_STATE, type Protocol, type WidgetOp, type WidgetState } from './protocol.ts';

export interface WidgetModel {
  id: string;
  kernelId: string;
  protocol: Protocol;
  state: WidgetState;
}

/**
 * What a view finds for a model id: the model; 'pending' before it arrives (or while asked for); 'closed' when the
 * kernel closed it (`widget.close()`, a tqdm bar with leave=False); 'unavailable' when no kernel has it (a saved
 * notebook's output, a widget lost with its kernel in a restart or a death).
 */
export type ModelLookup = WidgetModel | 'pending' | 'closed' | 'unavailable';

/** Views send a dragged slider's value at most this often; the last value always goes. */
const SEND_EVERY_MS = 80;
/** How long a view waits for a model it has never seen before asking the kernel for it. */
export const ASK_AFTER_MS = 400;
const ANSWER_WITHIN_MS = 5000;

const models = new Map<string, WidgetModel>();
const closed = new Set<string>();
const unavailable = new Set<string>();
const asked = new Set<string>();
const listeners = new Map<string, Set<() => void>>();

interface Outbox {
  patch: Record<string, unknown>;
  timer: ReturnType<typeof setTimeout> | null;
  lastSent: number;
}
const outboxes = new Map<string, Outbox>();
/** ipywidgets 8 echoes every update back: an echo of a key changed again since is stale and must not win. */
const unechoed = new Map<string, Map<string, number>>();

/**
 * Views re-render once per frame at most: a kernel can send thousands of updates a second (a widget set in a loop),
 * and a hidden tab catches up with the latest state when it is shown again.
 */
const changed = new Set<string>();
let frameScheduled = false;

/** A view's own change re-renders at once: a controlled input that lagged a frame behind would jump back. */
function notifyNow(id: string): void {
  listeners.get(id)?.forEach((l) => l());
}

function notify(id: string): void {
  changed.add(id);
  if (frameScheduled) return;
  frameScheduled = true;
  requestAnimationFrame(() => {
    frameScheduled = false;
    const ids = [...changed];
    changed.clear();
    for (const changedId of ids) listeners.get(changedId)?.forEach((l) => l());
  });
}

export function lookupModel(id: string): ModelLookup {
  return models.get(id) ?? (closed.has(id) ? 'closed' : unavailable.has(id) ? 'unavailable' : 'pending');
}

function subscribe(id: string, listener: () => void): () => void {
  let set = listeners.get(id);
  if (!set) listeners.set(id, (set = new Set()));
  set.add(listener);
  return () => {
    set.delete(listener);
    if (!set.size) listeners.delete(id);
  };
}

/** The model behind an id, re-rendering the caller whenever it changes. */
export function useWidgetModel(id: string | null): ModelLookup | null {
  return useSyncExternalStore(
    (l) => (id ? subscribe(id, l) : () => undefined),
    () => (id ? lookupModel(id) : null),
  );
}

function withoutStaleEchoes(id: string, state: WidgetState): WidgetState {
  const counts = unechoed.get(id);
  const pending = outboxes.get(id)?.patch;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(state)) {
    const n = counts?.get(k) ?? 0;
    if (n > 0) counts?.set(k, n - 1);
    if (n > 1 || (pending && k in pending)) continue; // we sent (or are about to send) a newer value
    out[k] = v;
  }
  return out;
}

function apply(op: WidgetOp): void {
  if (op.op === 'open') {
    models.set(op.modelId, { id: op.modelId, kernelId: op.kernelId, protocol: op.protocol, state: op.state });
    closed.delete(op.modelId);
    unavailable.delete(op.modelId);
  } else if (op.op === 'update') {
    const model = models.get(op.modelId);
    if (model) {
      const state = op.echo ? withoutStaleEchoes(op.modelId, op.state) : op.state;
      models.set(op.modelId, { ...model, state: { ...model.state, ...state } });
    } else if (typeof op.state._model_name === 'string' && !closed.has(op.modelId)) {
      // The answer to request_state for a model this tab never saw opened (it was reloaded): the full state.
      models.set(op.modelId, { id: op.modelId, kernelId: op.kernelId, protocol: op.protocol ?? protocolOf(op.state, {}), state: op.state });
      unavailable.delete(op.modelId);
    } else return;
  } else if (op.op === 'close') {
    if (!models.delete(op.modelId)) return;
    // Closed by the kernel: gone from view, as in Jupyter (a tqdm bar with leave=False). Lost with its kernel: the
    // output says the widget is no longer live.
    (op.kernelGone ? unavailable : closed).add(op.modelId);
    const box = outboxes.get(op.modelId);
    if (box?.timer) clearTimeout(box.timer);
    outboxes.delete(op.modelId);
    unechoed.delete(op.modelId);
  } else return; // custom messages from the kernel: none of the core views listens for any
  notify(op.modelId);
}

function send(model: WidgetModel, data: Record<string, unknown>, buffers: string[] = []): void {
  host().kernel.commSend({ kernelId: model.kernelId, commId: model.id, data, buffers }).catch((e: Error) => {
    // The main side no longer knows the comm: the kernel restarted or closed it before our message got there.
    if (/no longer live|not running/.test(e.message)) apply({ op: 'close', modelId: model.id, kernelGone: true });
  });
}

function flush(id: string): void {
  const box = outboxes.get(id);
  const model = models.get(id);
  if (!box || !model) return;
  if (box.timer) clearTimeout(box.timer);
  box.timer = null;
  const keys = Object.keys(box.patch);
  if (!keys.length) return;
  const { data, buffers } = encodeUpdate(model.protocol, box.patch);
  box.patch = {};
  box.lastSent = Date.now();
  if (model.protocol === 2) {
    let counts = unechoed.get(id);
    if (!counts) unechoed.set(id, (counts = new Map()));
    for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  send(model, data, buffers);
}

/**
 * A view changed its model: the view shows it at once; the kernel hears it soon ('now'), throttled ('soon', a dragged
 * slider), or with the next flush ('held': a text field or a slider with continuous_update=False, until the edit ends).
 */
export function setWidgetState(id: string, patch: Record<string, unknown>, when: 'now' | 'soon' | 'held' = 'soon'): void {
  const model = models.get(id);
  if (!model) return;
  models.set(id, { ...model, state: { ...model.state, ...patch } });
  notifyNow(id);
  let box = outboxes.get(id);
  if (!box) outboxes.set(id, (box = { patch: {}, timer: null, lastSent: 0 }));
  Object.assign(box.patch, patch);
  if (when === 'now') flush(id);
  else if (when === 'soon' && !box.timer) box.timer = setTimeout(() => flush(id), Math.max(0, box.lastSent + SEND_EVERY_MS - Date.now()));
}

/** Sends what a view held back (the edit ended: blur, Enter, the slider released). */
export function flushWidget(id: string): void {
  flush(id);
}

/** A custom message to the model in the kernel (a Button's click, a Text's submit); held state goes first. */
export function sendWidgetCustom(id: string, content: Record<string, unknown>): void {
  const model = models.get(id);
  if (!model) return;
  flush(id);
  send(model, encodeCustom(content));
}

/**
 * Asks the kernel for a model this tab never saw opened (the tab was reloaded while the kernel ran on). The kernel
 * answers with an update that carries the whole state; a kernel without it leaves the view 'unavailable'.
 */
export function askForModel(id: string, kernelId: string): void {
  if (models.has(id) || closed.has(id) || asked.has(id)) return;
  asked.add(id);
  const giveUp = () => {
    if (models.has(id) || closed.has(id)) return;
    unavailable.add(id);
    notify(id);
  };
  const timer = setTimeout(giveUp, ANSWER_WITHIN_MS);
  host().kernel.commSend({ kernelId, commId: id, data: { ...REQUEST_STATE } }).catch(() => {
    clearTimeout(timer);
    giveUp();
  });
}

let started = false;

/** Starts following the kernels' widget comms; once per tab, before any kernel starts. */
export function startWidgets(): void {
  if (started) return;
  started = true;
  host().on('kernel.comm', (message) => {
    const op = decode(message);
    if (op) apply(op);
  });
  // A restarted service has none of the kernels this tab knew: their widgets are gone.
  onServiceRestart(() => {
    for (const id of [...models.keys()]) apply({ op: 'close', modelId: id, kernelGone: true });
  });
}
