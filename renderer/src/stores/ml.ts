// Stage predictions per cell and the current next-line suggestions.
import { create } from 'zustand';
import type { StagePrediction, Suggestion } from '../../../preload/contract.ts';

interface MlState {
  stages: Record<string, StagePrediction & { source: string }>;
  suggestions: { cellId: string; items: Suggestion[] } | null;
  modelError: string | null;
  set(p: Partial<Omit<MlState, 'set'>>): void;
}

export const useMl = create<MlState>((set) => ({ stages: {}, suggestions: null, modelError: null, set: (p) => set(p) }));
