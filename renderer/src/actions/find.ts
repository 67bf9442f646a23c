// Find in the notebook: searches every cell's source in the document store, whether the cell is mounted or not.
import { create } from 'zustand';
import type { Cell } from '../../../preload/contract.ts';
import { useNotebook } from '../stores/notebook.ts';

/** A match: characters [start, end) of the source of the cell at cellIndex. */
export interface Match { cellIndex: number; cellId: string; start: number; end: number }

// Past this many the count stops being useful and searching a huge notebook for "e" would hold the keyboard.
export const MAX_MATCHES = 10_000;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Case-insensitive plain-text matches in document order (a RegExp keeps offsets right where lower-casing would not). */
export function findMatches(cells: ReadonlyArray<Pick<Cell, 'id' | 'source'>>, query: string): Match[] {
  if (!query) return [];
  const re = new RegExp(escapeRegExp(query), 'gi');
  const out: Match[] = [];
  for (let i = 0; i < cells.length; i++) {
    const { id, source } = cells[i]!;
    re.lastIndex = 0;
    for (let m = re.exec(source); m; m = re.exec(source)) {
      out.push({ cellIndex: i, cellId: id, start: m.index, end: m.index + m[0].length });
      if (out.length >= MAX_MATCHES) return out;
    }
  }
  return out;
}

/**
 * The match to go to from `current` (-1: none yet) in direction `dir`, wrapping around. With none yet, the search
 * starts at the cell `fromCell`: forward, its first match or the next one after it; backward, the last one before it.
 * Answers -1 when there are no matches.
 */
export function stepMatch(matches: readonly Match[], current: number, dir: 1 | -1, fromCell: number): number {
  const n = matches.length;
  if (!n) return -1;
  if (current >= 0 && current < n) return (current + dir + n) % n;
  if (dir === 1) {
    const i = matches.findIndex((m) => m.cellIndex >= fromCell);
    return i < 0 ? 0 : i;
  }
  const i = matches.findLastIndex((m) => m.cellIndex < fromCell);
  return i < 0 ? n - 1 : i;
}

interface FindState {
  open: boolean;
  query: string;
  /** Index of the match shown, -1 before the first step. */
  current: number;
  /** Bumped by each Ctrl+F, so a bar that is already open takes the focus again. */
  focusRequest: number;
}

export const useFind = create<FindState>(() => ({ open: false, query: '', current: -1, focusRequest: 0 }));

export function openFind(): void {
  useFind.setState((s) => ({ open: true, focusRequest: s.focusRequest + 1 }));
}

export function closeFind(): void {
  useFind.setState({ open: false, current: -1 });
}

export function setFindQuery(query: string): void {
  useFind.setState({ query, current: -1 });
}

/** Selects the match's cell (the notebook mounts and reveals the active cell) in command mode. */
export function selectMatchCell(m: Match): void {
  const nb = useNotebook.getState();
  nb.select(m.cellIndex);
  nb.setMode('command');
}
