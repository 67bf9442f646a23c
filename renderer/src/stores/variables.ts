// The variable inspector's state: the active kernel's user variables as last read, and the DataFrames opened for detail.
import { create } from 'zustand';
import type { KernelVariable, KernelVariableDetail } from '../../../preload/contract.ts';

export interface VariableDetailState {
  loading: boolean;
  detail: KernelVariableDetail | null;
  error: string | null;
}

export interface VariablesState {
  /** The kernel the list was read from; a list of another kernel is never shown. */
  kernelId: string | null;
  variables: KernelVariable[];
  /** Names in the namespace (more than `variables` when the list was capped). */
  total: number;
  loading: boolean;
  /** The last refresh found the kernel busy with a cell: the list is from before it. */
  stale: boolean;
  error: string | null;
  /** When the list was last read (ms since the epoch). */
  readAt: number | null;
  filter: string;
  /** Rows opened for detail, by variable name. */
  open: Record<string, VariableDetailState>;
  set(p: Partial<Omit<VariablesState, 'set' | 'setDetail'>>): void;
  setDetail(name: string, d: VariableDetailState | null): void;
}

export const useVariables = create<VariablesState>((set, get) => ({
  kernelId: null, variables: [], total: 0, loading: false, stale: false, error: null, readAt: null, filter: '', open: {},
  set: (p) => set(p),
  setDetail(name, d) {
    const open = { ...get().open };
    if (d) open[name] = d;
    else delete open[name];
    set({ open });
  },
}));

/** The rows that pass the filter (a case-insensitive part of the name). */
export function visibleVariables(s: Pick<VariablesState, 'variables' | 'filter'>): KernelVariable[] {
  const f = s.filter.trim().toLowerCase();
  return f ? s.variables.filter((v) => v.name.toLowerCase().includes(f)) : s.variables;
}
