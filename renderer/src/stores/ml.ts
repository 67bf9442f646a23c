// Stage predictions per cell and the current next-line suggestions.
import { create } from 'zustand';
import type { StagePrediction, Suggestion } from '../../../preload/contract.ts';

interface MlState {
  stages: Record<string, StagePrediction & { source: string }>;
  /** The answer to request `seq`; shown only while it is the latest request (older answers are stale). */
  suggestions: { cellId: string; items: Suggestion[]; seq: number } | null;
  /** The latest suggestion request. */
  suggestSeq: number;
  /** Columns of the kernel's DataFrames, read after each run (empty without a kernel). */
  kernelColumns: string[];
  modelError: string | null;
  set(p: Partial<Omit<MlState, 'set'>>): void;
}

/** Chip 1, the ghost text and Tab all read this: the suggestions of the latest request, or none. */
export function currentSuggestions(s: Pick<MlState, 'suggestions' | 'suggestSeq'>): MlState['suggestions'] {
  return s.suggestions && s.suggestions.seq === s.suggestSeq ? s.suggestions : null;
}

export const useMl = create<MlState>((set) => ({ stages: {}, suggestions: null, suggestSeq: 0, kernelColumns: [], modelError: null, set: (p) => set(p) }));
