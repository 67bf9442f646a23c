// Corpus browser state: the query and filters, the hits, and the last error (kept when switching panels).
import { create } from 'zustand';
import type { CorpusHit, StageId } from '../../../preload/contract.ts';

interface CorpusState {
  query: string;
  api: string;
  stage: StageId | '';
  minVotes: string;
  hits: CorpusHit[] | null;
  error: string | null;
  set(p: Partial<Omit<CorpusState, 'set'>>): void;
}

export const useCorpus = create<CorpusState>((set) => ({
  query: '', api: '', stage: '', minVotes: '', hits: null, error: null,
  set: (p) => set(p),
}));
