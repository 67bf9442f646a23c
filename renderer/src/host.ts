// The UI's single door to the main side: the preload's API in Electron, the WebSocket transport in web mode.
import { createApi, type GdsApi } from '../../preload/contract.ts';
import { connectWebTransport } from './web-transport.ts';

declare global {
  interface Window {
    gds?: GdsApi;
  }
}

let api: GdsApi | null = null;
const connectionListeners = new Set<(c: boolean) => void>();
const restartListeners = new Set<() => void>();

export function host(): GdsApi {
  if (api) return api;
  if (window.gds) api = window.gds;
  else {
    const t = connectWebTransport((c) => connectionListeners.forEach((l) => l(c)), () => restartListeners.forEach((l) => l()));
    api = createApi(t.invoke, t.subscribe);
  }
  return api;
}

export function onConnectionChange(l: (connected: boolean) => void): () => void {
  connectionListeners.add(l);
  return () => connectionListeners.delete(l);
}

/** The service behind this tab was restarted (web mode): kernels it ran are gone. */
export function onServiceRestart(l: () => void): () => void {
  restartListeners.add(l);
  return () => restartListeners.delete(l);
}
