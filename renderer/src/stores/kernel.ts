// The kernel the notebook runs on: its id, status, available kernelspecs and the pending input() prompt.
import { create } from 'zustand';
import type { KernelSpecInfo, KernelStatus } from '../../../preload/contract.ts';

interface KernelState {
  kernelId: string | null;
  status: KernelStatus | 'none';
  specs: KernelSpecInfo[];
  kernelName: string;
  connected: boolean;
  input: { cellId: string; prompt: string; password: boolean } | null;
  /** Base URL of an attached server; null while the app runs its own. */
  server: string | null;
  set(p: Partial<Omit<KernelState, 'set'>>): void;
}

export const useKernel = create<KernelState>((set) => ({
  kernelId: null, status: 'none', specs: [], kernelName: 'python3', connected: true, input: null, server: null,
  set: (p) => set(p),
}));
