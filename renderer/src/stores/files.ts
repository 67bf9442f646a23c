// File browser state: the workspace folders, each listed folder's entries, what is open in the tree, the selection,
// the entry being renamed, recent notebooks, and the last deletion (for Undo). Kept when switching sidebar panels.
import { create } from 'zustand';
import type { FileEntry } from '../../../preload/contract.ts';

export interface FolderListing { entries: FileEntry[] | null; error: string | null; loading: boolean }
export interface Trashed { trashId: string; name: string; path: string }

interface FilesState {
  roots: string[] | null;
  rootsError: string | null;
  /** Listings by folder path (a folder is listed when it is first expanded, and again on refresh). */
  listings: Record<string, FolderListing>;
  expanded: Record<string, boolean>;
  selected: string | null;
  renaming: string | null;
  recent: string[];
  /** The last entry moved to the trash; the undo bar offers to restore it until the next deletion or dismissal. */
  trashed: Trashed | null;
  /** The folder a drag from the desktop is over. */
  dropTarget: string | null;
  set(p: Partial<Omit<FilesState, 'set' | 'setListing'>>): void;
  setListing(dir: string, l: Partial<FolderListing>): void;
}

export const useFiles = create<FilesState>((set, get) => ({
  roots: null, rootsError: null, listings: {}, expanded: {}, selected: null, renaming: null, recent: [], trashed: null, dropTarget: null,
  set: (p) => set(p),
  setListing: (dir, l) => {
    const prev = get().listings[dir] ?? { entries: null, error: null, loading: false };
    set({ listings: { ...get().listings, [dir]: { ...prev, ...l } } });
  },
}));

/**
 * What the browser did to files on disk, for whoever holds them open (tabs follow a renamed notebook, and can say
 * that a deleted one is gone). The browser itself does not touch open documents.
 */
export type FileChange =
  | { kind: 'renamed'; from: string; to: string }
  | { kind: 'trashed'; path: string }
  | { kind: 'restored'; path: string }
  | { kind: 'created'; path: string };

const listeners = new Set<(c: FileChange) => void>();

export function onFileChange(l: (c: FileChange) => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function emitFileChange(c: FileChange): void {
  for (const l of listeners) l(c);
}
