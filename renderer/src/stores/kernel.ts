// The kernel a tab's notebook runs on: its id, status, available kernelspecs, the pending input() prompt and its last
// death. Each tab has its own store; `useKernel` is the active tab's.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { activeFacade } from './active-store.ts';
import type { KernelSpecInfo, KernelStatus } from '../../../preload/contract.ts';

/** A kernel death as the banner tells it; the event (`kernel.died`) and the failed run each fill in what they know. */
export interface KernelDeathView {
  at: number;
  cellId: string | null;
  reason: string | null;
  /** The server brought up a fresh kernel in its place (variables gone, execution counts from 1). */
  restarted: boolean;
  message: string;
  /** Cells that were queued behind the one that died and were not run. */
  notRun: number;
}

export interface KernelState {
  kernelId: string | null;
  status: KernelStatus | 'none';
  specs: KernelSpecInfo[];
  kernelName: string;
  connected: boolean;
  input: { cellId: string; prompt: string; password: boolean } | null;
  /** Base URL of an attached server; null while the app runs its own. */
  server: string | null;
  /** The last kernel death, shown in the banner until dismissed or the kernel is restarted. */
  death: KernelDeathView | null;
  set(p: Partial<Omit<KernelState, 'set' | 'noteDeath'>>): void;
  /** Merges what is known about a death into the one being shown (within a few seconds), else starts a new one. */
  noteDeath(p: Partial<Omit<KernelDeathView, 'at' | 'notRun'>> & { notRun?: number }): void;
}

const SAME_DEATH_MS = 5000;

/** A new tab's kernel store: no kernel yet; what is known of the server (specs, attach URL, connection) carried over. */
export function createKernelStore(from?: KernelState): StoreApi<KernelState> {
  const store = createStore<KernelState>(kernelState);
  if (from) store.setState({ specs: from.specs, server: from.server, connected: from.connected, kernelName: from.kernelName });
  return store;
}

export const useKernel = activeFacade(createKernelStore());

function kernelState(set: StoreApi<KernelState>['setState'], get: () => KernelState): KernelState {
  return {
    kernelId: null, status: 'none', specs: [], kernelName: 'python3', connected: true, input: null, server: null, death: null,
    set: (p) => set(p),
    noteDeath(p) {
      const prev = get().death;
      const now = Date.now();
      const base: KernelDeathView = prev && now - prev.at < SAME_DEATH_MS
        ? prev
        : { at: now, cellId: null, reason: null, restarted: false, message: 'the kernel died; variables were lost', notRun: 0 };
      set({
        input: null,
        death: {
          ...base,
          cellId: p.cellId ?? base.cellId,
          reason: p.reason ?? base.reason,
          restarted: p.restarted ?? base.restarted,
          message: p.message ?? base.message,
          notRun: base.notRun + (p.notRun ?? 0),
        },
      });
    },
  };
}
