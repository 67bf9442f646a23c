// Sandboxed preload: exposes exactly the contract's methods and events as `window.gds`, nothing else.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createApi, EVENT_NAMES, type EventName } from './contract.ts';

const listeners = new Map<EventName, Set<(payload: unknown) => void>>();

ipcRenderer.on('gds:event', (_e: IpcRendererEvent, msg: { event: EventName; payload: unknown }) => {
  if (!EVENT_NAMES.includes(msg?.event)) return;
  listeners.get(msg.event)?.forEach((l) => l(msg.payload));
});

const api = createApi(
  (method, params) => ipcRenderer.invoke('gds:invoke', method, params),
  (event, listener) => {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  },
);

contextBridge.exposeInMainWorld('gds', api);
