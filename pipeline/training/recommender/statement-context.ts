// What the user's editor holds at a statement of a corpus notebook: the code cells above and the current cell up to
// that statement, as text (the app classifies and suggests from exactly this).
import type { NotebookCell, Statement } from '../../../ml/recommender/notebook-state.ts';

/** Magics and shell lines blanked, as the statement walk reads a cell (offsets stay the same). */
function cleanedText(source: string): string {
  return source
    .split(/\r\n|\r|\n/)
    .map((l) => (/^\s*[%!?]/.test(l) ? '' : l))
    .join('\n');
}

/** The source up to offset `start` of its cleaned text, with the original lines (magics included). */
function prefixOf(source: string, start: number): string {
  const before = cleanedText(source).slice(0, start);
  const row = before.split('\n').length - 1;
  const col = start - (before.lastIndexOf('\n') + 1);
  const lines = source.split(/\r\n|\r|\n/);
  return [...lines.slice(0, row), (lines[row] ?? '').slice(0, col)].join('\n');
}

/** The cells as the editor holds them before statement `s`: earlier cells whole, then the current one up to `s` ('' for a new cell). */
export function contextBefore(cells: readonly NotebookCell[], s: Statement): string[] {
  const current = s.first ? '' : prefixOf(cells[s.cell]!.source, s.start);
  return [...cells.slice(0, s.cell).map((c) => c.source), current];
}
