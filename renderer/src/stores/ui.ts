// UI-only state: messages to the user, open dialogs, which sidebar panel shows.
import { create } from 'zustand';
import type { CorpusNotebookView, NotebookDoc } from '../../../preload/contract.ts';

export interface Toast { id: number; kind: 'info' | 'error'; text: string }
export type Dialog =
  | { kind: 'open' }
  | { kind: 'saveAs' }
  | { kind: 'recovered'; doc: NotebookDoc; savedAt: string }
  | { kind: 'changedOnDisk'; mtimeMs: number }
  | { kind: 'kernelDied' }
  | { kind: 'shortcuts' }
  | { kind: 'attach' }
  | { kind: 'readOnly'; reason: string }
  | { kind: 'convert'; from: string; backupPath: string }
  | null;

interface UiState {
  toasts: Toast[];
  dialog: Dialog;
  panel: 'files' | 'outline' | 'checks' | 'variables' | 'corpus' | 'training';
  /** A corpus notebook being read; shown in the main area while the corpus panel is open. */
  corpusView: CorpusNotebookView | null;
  setCorpusView(v: CorpusNotebookView | null): void;
  toast(kind: Toast['kind'], text: string): void;
  dismiss(id: number): void;
  setDialog(d: Dialog): void;
  setPanel(p: UiState['panel']): void;
}

let nextToast = 1;
export const useUi = create<UiState>((set, get) => ({
  toasts: [], dialog: null, panel: 'outline', corpusView: null,
  setCorpusView: (corpusView) => set({ corpusView }),
  toast(kind, text) {
    const id = nextToast++;
    set({ toasts: [...get().toasts.slice(-4), { id, kind, text }] });
    setTimeout(() => get().dismiss(id), kind === 'error' ? 10_000 : 4000);
  },
  dismiss: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
  setDialog: (dialog) => set({ dialog }),
  setPanel: (panel) => set({ panel }),
}));
